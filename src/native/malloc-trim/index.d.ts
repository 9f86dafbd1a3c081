/** Whether this platform's C library has malloc_trim (glibc); where it does not, the calls do nothing. */
export declare const supported: boolean;
/**
 * malloc_trim(0) on a libuv pool thread, off the event loop: whether any memory went back to the kernel, and
 * the seconds the trim took on that thread.
 */
export declare function trimAsync(): Promise<{ released: boolean; seconds: number }>;
