/**
 * The one way the extension talks to the kedro-nb server extension: typed calls under
 * `/kedro-nb/`. The route names mirror `kedro_nb/server/routes.py` (a drift test holds them).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export const API_NAMESPACE = 'kedro-nb';

export const ENDPOINTS = {
  analysis: 'analysis',
  pipelines: 'pipelines',
  convert: 'convert',
  check: 'check',
  strip: 'strip'
} as const;

export type Endpoint = (typeof ENDPOINTS)[keyof typeof ENDPOINTS];

/** An answer of the server other than 2xx, with the one-line message it sent. */
export class KedroNbRequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** Call `endpoint` (GET with `query`, or POST with a JSON `body`) and return its JSON. */
export async function requestAPI<T>(
  endpoint: Endpoint,
  init: { body?: unknown; query?: Record<string, string> } = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  let url = URLExt.join(settings.baseUrl, API_NAMESPACE, endpoint);
  if (init.query) {
    url += URLExt.objectToQueryString(init.query);
  }
  const request: RequestInit =
    init.body === undefined
      ? { method: 'GET' }
      : { method: 'POST', body: JSON.stringify(init.body) };
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, request, settings);
  } catch (error) {
    throw new KedroNbRequestError(0, `kedro-nb server unreachable: ${error}`);
  }
  const text = await response.text();
  let data: any = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { message: text };
  }
  if (!response.ok) {
    const message = data.message || data.reason || response.statusText;
    throw new KedroNbRequestError(response.status, String(message));
  }
  return data as T;
}

// -- the shapes the endpoints answer (see kedro_nb/server/views.py) -------------------------

export interface Finding {
  kind: string;
  cell_index: number;
  cell_id: string | null;
  line: number | null;
  message: string;
  node: string | null;
  problem?: boolean;
}

export interface AnalysedNode {
  name: string;
  cell_id: string;
  cell_index: number;
  inputs: string[];
  outputs: string[];
  pipeline: string | null;
  warnings: Finding[];
}

export interface AnalysisError {
  message: string;
  cell_index: number | null;
  cell_id: string | null;
}

export interface AnalysisResult {
  nodes: AnalysedNode[];
  issues: Finding[];
  set_aside?: (AnalysisError & { kind: string; line: number | null })[];
  error: AnalysisError | null;
}

export interface ProjectPipeline {
  name: string;
  nodes: { name: string; inputs: string[]; outputs: string[]; tags: string[] }[];
  edges: { source: string; target: string }[];
  error: string | null;
}

export interface PipelinesResult {
  project: string | null;
  pipelines: ProjectPipeline[];
}

export interface ConvertFile {
  path: string;
  status: 'new' | 'changed' | 'unchanged' | 'written';
  diff: string;
  /** (preview) what was edited by hand since the last conversion: a write would refuse */
  hand_edits?: string;
}

export interface ConvertResult {
  action: 'preview' | 'write';
  written: boolean;
  root: string;
  files: ConvertFile[];
  issues: Finding[];
  /** What the conversion was made with: the request's choices over the remembered ones. */
  settings: { target: string; pipeline: string | null; destination: string | null };
}

export interface CheckResult {
  ok: boolean;
  findings: Finding[];
  summary: string;
}
