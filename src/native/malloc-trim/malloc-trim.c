/*
 * glibc's malloc_trim(0) for Node: hands the free pages inside every malloc arena back to the kernel
 * (madvise MADV_DONTNEED), which glibc otherwise does only for free space at the top of an arena. Elsewhere
 * (musl, macOS, Windows) `supported` is false and the calls do nothing.
 */
#include <stdlib.h>
#include <time.h>
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#define TRIM_SUPPORTED 1
#else
#define TRIM_SUPPORTED 0
#endif

static int trim_now(void) {
#if TRIM_SUPPORTED
  return malloc_trim(0);
#else
  return 0;
#endif
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int released;
  double seconds;
} trim_job;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* On a libuv pool thread: the arenas are walked off the event loop, and the walk is timed there. */
static void trim_execute(napi_env env, void *data) {
  trim_job *job = data;
  (void)env;
  double started = now_seconds();
  job->released = trim_now();
  job->seconds = now_seconds() - started;
}

static void trim_complete(napi_env env, napi_status status, void *data) {
  trim_job *job = data;
  napi_value result;
  if (status == napi_ok) {
    napi_value released, seconds;
    napi_create_object(env, &result);
    napi_get_boolean(env, job->released != 0, &released);
    napi_create_double(env, job->seconds, &seconds);
    napi_set_named_property(env, result, "released", released);
    napi_set_named_property(env, result, "seconds", seconds);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value message;
    napi_create_string_utf8(env, "malloc_trim did not run", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    napi_reject_deferred(env, job->deferred, result);
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

/* trimAsync(): Promise<{ released, seconds }>: whether any memory went back to the kernel, and how long the
 * trim took on the pool thread. */
static napi_value trim_async(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value promise, name;
  trim_job *job = calloc(1, sizeof(trim_job));
  if (job == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "mallocTrim", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, trim_execute, trim_complete, job, &job->work) != napi_ok) {
    free(job);
    napi_throw_error(env, NULL, "could not create the malloc_trim work");
    return NULL;
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    free(job);
    napi_throw_error(env, NULL, "could not queue malloc_trim");
    return NULL;
  }
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value supported, fn_trim_async;
  napi_get_boolean(env, TRIM_SUPPORTED, &supported);
  napi_create_function(env, "trimAsync", NAPI_AUTO_LENGTH, trim_async, NULL, &fn_trim_async);
  napi_set_named_property(env, exports, "supported", supported);
  napi_set_named_property(env, exports, "trimAsync", fn_trim_async);
  return exports;
}

NAPI_MODULE_INIT() {
  return init(env, exports);
}
