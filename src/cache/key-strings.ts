/**
 * The store keys of the cache's entries, each kept as one string and handed out again for the same kind and key.
 *
 * A key made anew for every lookup (`mcp:v3:template:<uuid>`, some 60 characters) is a new string: the store's
 * map must then flatten and hash it, and compare it character by character with the key it holds. Given back the
 * string the entry was stored under, the map finds it by its remembered hash and by identity: measured on
 * lru-cache with 5,000 entries, 280 ns a lookup against 60 (the lookup here included). A page of 50 templates with
 * their usage looks up 100 keys.
 *
 * At most `max` keys are kept; past that all are forgotten at once and made again as they are asked for, so the
 * keys of entries long gone do not pile up. Forgetting changes nothing but speed: a key made again is equal to
 * the one forgotten.
 */
export class KeyStrings {
  readonly #max: number;
  readonly #make: (kind: string, key: string) => string;
  readonly #byKind = new Map<string, Map<string, string>>();
  #size = 0;

  constructor(max: number, make: (kind: string, key: string) => string) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`KeyStrings: max must be a positive integer, got ${max}`);
    this.#max = max;
    this.#make = make;
  }

  /** The store key of `key` in `kind`: the same string every time until the keys are forgotten. */
  get(kind: string, key: string): string {
    let keys = this.#byKind.get(kind);
    const known = keys?.get(key);
    if (known !== undefined) return known;
    if (this.#size >= this.#max) {
      this.#byKind.clear();
      this.#size = 0;
      keys = undefined;
    }
    if (!keys) this.#byKind.set(kind, (keys = new Map()));
    const made = this.#make(kind, key);
    keys.set(key, made);
    this.#size += 1;
    return made;
  }

  /** How many keys are kept now. */
  get size(): number {
    return this.#size;
  }
}
