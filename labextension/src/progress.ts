/**
 * The machine-readable progress a `%run_pipeline` run displays next to its HTML table (the
 * mimetype is `kedro_nb.notebook.progress.PROGRESS_MIMETYPE`; a drift test holds the copy).
 */

export const PROGRESS_MIMETYPE = 'application/vnd.kedro-nb.run-progress+json';

export type NodeState = 'idle' | 'running' | 'done' | 'failed';

export interface NodeProgress {
  /** as kedro_nb.notebook.progress names them */
  state: 'not run' | 'running' | 'done' | 'failed' | 'skipped';
  seconds: number | null;
  error?: string;
  cell?: number;
  line?: number;
}

export interface RunProgressData {
  title: string;
  nodes: Record<string, NodeProgress>;
}

const DRAWN: Record<NodeProgress['state'], NodeState> = {
  'not run': 'idle',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'done' // --only-missing-outputs found its outputs: they are there
};

/** The drawn state of each node from a progress payload. */
export function drawnStates(data: RunProgressData): Map<string, NodeState> {
  const states = new Map<string, NodeState>();
  for (const [name, progress] of Object.entries(data.nodes)) {
    states.set(name, DRAWN[progress.state] ?? 'idle');
  }
  return states;
}

/** The progress payload in an IOPub message's content, if it has one. */
export function progressIn(content: any): RunProgressData | null {
  const data = content?.data?.[PROGRESS_MIMETYPE];
  if (!data || typeof data !== 'object' || typeof data.nodes !== 'object') {
    return null;
  }
  return data as RunProgressData;
}

/**
 * The `%run_pipeline` line the panel sends: the notebook's saved file (by name, as the kernel
 * runs in its folder), sliced as asked. IPython's magic lines keep quotes in arguments, so a
 * file name with spaces is not passed: bare `--notebook` makes the kernel use its own notebook.
 */
export function runLine(
  notebookFile: string,
  slice: { fromNodes?: string[]; toNodes?: string[]; pipeline?: string } = {}
): string {
  const parts = ['%run_pipeline'];
  if (slice.pipeline) {
    parts.push(slice.pipeline);
  } else {
    parts.push('--notebook');
    if (!/\s/.test(notebookFile)) {
      parts.push(notebookFile);
    }
  }
  if (slice.fromNodes?.length) {
    parts.push('--from-nodes', slice.fromNodes.join(','));
  }
  if (slice.toNodes?.length) {
    parts.push('--to-nodes', slice.toNodes.join(','));
  }
  return parts.join(' ');
}
