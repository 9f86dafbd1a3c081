import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import { deleteExpiredMemories } from './memory.repository.ts';

export interface SweeperOptions {
  intervalMs: number;
  batchSize: number;
  /** Upper bound on batches per run, so one run cannot monopolise a connection. */
  maxBatchesPerRun: number;
}

/** Deletes expired memory in bounded batches, one batch after another, until fewer than a batch remain. */
export async function sweepExpiredMemories(db: Kysely<Database>, opts: Omit<SweeperOptions, 'intervalMs'>) {
  let total = 0;
  let batches = 0;
  for (; batches < opts.maxBatchesPerRun; batches++) {
    const n = await deleteExpiredMemories(db, opts.batchSize);
    total += n;
    if (n < opts.batchSize) {
      batches++;
      break;
    }
  }
  return { deleted: total, batches };
}

/** Runs the sweep on an interval; runs never overlap. Returns a function that stops it. */
export function startMemorySweeper(db: Kysely<Database>, opts: SweeperOptions, logger: Logger): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepExpiredMemories(db, opts)
      .then((r) => {
        if (r.deleted) logger.debug({ deleted: r.deleted, batches: r.batches }, 'expired memory swept');
      })
      .catch((err) => logger.warn({ err }, 'memory sweep failed'))
      .finally(() => {
        running = undefined;
      });
  }, opts.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
