import type { Plugin } from 'graphql-yoga';
import type { ReadinessReport } from '../observability/readiness.ts';

/**
 * Serves `GET <path>`: 200 `{ status: "ready", checks }` when every dependency answered in time,
 * 503 `{ status: "unavailable", checks }` otherwise. (`/health`, the liveness probe, is yoga's own.)
 */
export function useReadiness(options: { path: string; check: () => Promise<ReadinessReport> }): Plugin {
  return {
    // Not async: every other request passes straight on, without a promise to wait for.
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== options.path || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
      return options.check().then((report) => {
        endResponse(
          fetchAPI.Response.json(
            { status: report.ready ? 'ready' : 'unavailable', checks: report.checks },
            { status: report.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
          ),
        );
      });
    },
  };
}
