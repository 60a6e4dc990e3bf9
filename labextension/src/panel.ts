/**
 * The pipeline panel (right sidebar, id `kedro-nb-pipeline-panel`): the DAG of the current
 * notebook's nodes or of a project pipeline, laid out by dagre; click a node to jump to its
 * cell; run all / from / to a node in the notebook's kernel, nodes coloured live from the
 * run's progress data; a failed node links to its cell and line; check findings link to cells.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { KernelMessage } from '@jupyterlab/services';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { Finding, KedroNbRequestError, PipelinesResult, ProjectPipeline, requestAPI } from './api';
import { findingText } from './badge';
import { buildGraph, Graph, layoutGraph } from './graph';
import { pipelineIcon } from './icons';
import { drawnStates, NodeProgress, NodeState, progressIn, runLine } from './progress';
import { NotebookWatcher } from './watcher';

export const PANEL_ID = 'kedro-nb-pipeline-panel';
const NOTEBOOK_VIEW = '';
const SVG = 'http://www.w3.org/2000/svg';
/** the graph shrinks to fit the panel down to this scale, then scrolls */
const MIN_SCALE = 0.7;
/** loads the IPython extension unless it is loaded, silently */
const LOAD_EXTENSION =
  "get_ipython().run_line_magic('load_ext', 'kedro_nb') " +
  "if 'kedro_nb' not in get_ipython().extension_manager.loaded else None";

export type RunScope = 'all' | 'from' | 'to';

/** "1 node", "6 nodes" */
function nodes(count: number): string {
  return `${count} node${count === 1 ? '' : 's'}`;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

export class PipelinePanel extends Widget {
  constructor(private readonly watcherOf: (panel: NotebookPanel) => NotebookWatcher | undefined) {
    super();
    this.id = PANEL_ID;
    this.title.icon = pipelineIcon;
    this.title.caption = 'kedro-nb pipeline';
    this.addClass('kedro-nb-panel');
    this.selector.className = 'kedro-nb-pipeline-select';
    this.selector.addEventListener('change', () => {
      this._selected = null;
      this.draw();
    });
    const button = (label: string, scope: RunScope, title: string) => {
      const b = element('button', { className: 'jp-mod-styled kedro-nb-run', title }, label);
      b.dataset.scope = scope;
      b.addEventListener('click', () => void this.run(scope));
      return b;
    };
    this.runAll = button('Run all', 'all', 'Save the notebook and run the whole pipeline');
    this.runFrom = button('Run from here', 'from', 'Run the selected node and everything after it');
    this.runTo = button('Run to here', 'to', 'Run everything the selected node needs, and it');
    this.rerun = element(
      'button',
      { className: 'jp-mod-styled kedro-nb-rerun', title: 'Re-run the stale node cells in order' },
      'Re-run stale'
    );
    this.rerun.addEventListener('click', () => void this.watcher?.rerunStale());
    const refresh = element('button', { className: 'jp-mod-styled', title: 'Reload' }, '⟳');
    refresh.addEventListener('click', () => void this.reload());
    this.node.append(
      element('div', { className: 'kedro-nb-panel-head' }, this.selector, refresh),
      element('div', { className: 'kedro-nb-panel-buttons' }, this.runAll, this.runFrom, this.runTo, this.rerun),
      this.status,
      this.canvas,
      this.log,
      this.findings
    );
    this.status.className = 'kedro-nb-panel-status';
    this.canvas.className = 'kedro-nb-dag';
    this.log.className = 'kedro-nb-run-log';
    this.findings.className = 'kedro-nb-findings';
    this.draw();
  }

  /** Redraw at the new width (the graph is scaled to the panel). */
  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.draw();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.draw();
  }

  /** Follow `panel` (the current notebook) or none. */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._notebook) {
      return;
    }
    this.watcher?.changed.disconnect(this.draw, this);
    this._notebook = panel;
    this._states.clear();
    this._failures.clear();
    this._selected = null;
    this.log.replaceChildren();
    this.findings.replaceChildren();
    this.watcher?.changed.connect(this.draw, this);
    void this.reload();
  }

  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  private get watcher(): NotebookWatcher | undefined {
    return this._notebook ? this.watcherOf(this._notebook) : undefined;
  }

  /** Fetch the project's pipelines for the selector and redraw. */
  async reload(): Promise<void> {
    const panel = this._notebook;
    this._project = null;
    if (panel) {
      try {
        await panel.context.ready;
        this._project = await requestAPI<PipelinesResult>('pipelines', {
          query: { path: panel.context.path }
        });
      } catch (error) {
        this._project = null;
        const message = error instanceof KedroNbRequestError ? error.message : String(error);
        this.selector.title = `Project pipelines unavailable: ${message}`;
      }
    }
    if (panel !== this._notebook) {
      return;
    }
    const current = this.selector.value;
    this.selector.replaceChildren(element('option', { value: NOTEBOOK_VIEW }, 'This notebook'));
    for (const pipeline of this._project?.pipelines ?? []) {
      this.selector.append(
        element('option', { value: pipeline.name }, `Project: ${pipeline.name}`)
      );
    }
    this.selector.value = [...this.selector.options].some(o => o.value === current) ? current : NOTEBOOK_VIEW;
    this.draw();
  }

  private get projectPipeline(): ProjectPipeline | undefined {
    return this._project?.pipelines.find(p => p.name === this.selector.value);
  }

  /** The graph shown: the notebook's node cells, or the selected project pipeline. */
  graph(): Graph {
    const project = this.projectPipeline;
    if (project) {
      return {
        nodes: project.nodes,
        edges: project.edges.map(e => ({ ...e, datasets: [] }))
      };
    }
    return this.watcher?.graph() ?? buildGraph([]);
  }

  /** Redraw, if shown: a hidden panel draws when it is shown again (every analysis of the
   * notebook asks for a redraw, and measuring a hidden panel would cost a layout each time). */
  draw(): void {
    if (!this.isVisible) {
      return;
    }
    const graph = this.graph();
    const project = this.projectPipeline;
    const watcher = this.watcher;
    const stale = project ? new Map<string, string[]>() : (watcher?.stale() ?? new Map());
    if (!this._notebook) {
      this.status.textContent = 'Open a notebook to see its pipeline.';
    } else if (project?.error) {
      this.status.textContent = `Pipeline ${project.name} cannot be built: ${project.error}`;
    } else if (!project && watcher?.failure) {
      this.status.textContent = watcher.failure;
    } else if (!graph.nodes.length) {
      this.status.textContent = project
        ? 'This pipeline has no nodes.'
        : 'No node cells yet: select a code cell and use "Make node".';
    } else if (!this._running) {
      this.status.textContent = nodes(graph.nodes.length) + (stale.size ? `, ${stale.size} stale` : '');
    }
    this.status.dataset.error = String(Boolean(project?.error || (!project && watcher?.failure)));
    this.rerun.hidden = Boolean(project) || stale.size === 0;
    const canRun = Boolean(this._notebook) && graph.nodes.length > 0 && !this._running;
    this.runAll.disabled = !canRun;
    this.runFrom.disabled = this.runTo.disabled = !canRun || !this._selected;
    const scrolled = this.canvas.scrollLeft;
    // (the width counts: a graph drawn while the panel was hidden is centred once shown)
    const key = `${this.canvas.clientWidth}|${this.selector.value}|${graph.nodes.map(n => n.name).join(',')}`;
    this.canvas.replaceChildren(this._svg(graph, stale));
    // a graph wider than the panel opens scrolled to its middle (its top nodes' centre);
    // a redraw of the same graph keeps where the user scrolled to
    this.canvas.scrollLeft =
      key === this._drawnKey ? scrolled : (this.canvas.scrollWidth - this.canvas.clientWidth) / 2;
    this._drawnKey = key;
  }

  private _svg(graph: Graph, stale: Map<string, string[]>): SVGSVGElement {
    const layout = layoutGraph(graph);
    const svg = document.createElementNS(SVG, 'svg');
    // scaled down to the panel's width, but not below MIN_SCALE (names stay readable: a
    // wider graph scrolls sideways); the viewBox keeps the proportions
    const width = Math.max(layout.width, 10);
    const height = Math.max(layout.height, 10);
    const available = this.canvas.clientWidth;
    const scale = available > 0 ? Math.min(1, Math.max(MIN_SCALE, available / width)) : 1;
    svg.setAttribute('width', String(Math.round(width * scale)));
    svg.setAttribute('height', String(Math.round(height * scale)));
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const defs = document.createElementNS(SVG, 'defs');
    defs.innerHTML =
      '<marker id="kedro-nb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" ' +
      'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" ' +
      'class="kedro-nb-dag-arrow"/></marker>';
    svg.append(defs);
    for (const edge of layout.edges) {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('class', 'kedro-nb-dag-edge');
      path.setAttribute('d', edge.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' '));
      path.setAttribute('marker-end', 'url(#kedro-nb-arrow)');
      svg.append(path);
    }
    for (const box of layout.nodes) {
      const group = document.createElementNS(SVG, 'g');
      group.setAttribute('class', 'kedro-nb-dag-node');
      group.setAttribute('transform', `translate(${box.x - box.width / 2}, ${box.y - box.height / 2})`);
      group.dataset.node = box.name;
      group.dataset.state = this._states.get(box.name) ?? 'idle';
      group.dataset.stale = String(stale.has(box.name));
      group.dataset.selected = String(this._selected === box.name);
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('width', String(box.width));
      rect.setAttribute('height', String(box.height));
      rect.setAttribute('rx', '5');
      const text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', String(box.width / 2));
      text.setAttribute('y', String(box.height / 2 + 4));
      text.setAttribute('text-anchor', 'middle');
      text.textContent = box.name;
      const title = document.createElementNS(SVG, 'title');
      const node = graph.nodes.find(n => n.name === box.name)!;
      title.textContent =
        `${node.name}\ninputs: ${node.inputs.join(', ') || '∅'}\noutputs: ${node.outputs.join(', ') || '∅'}` +
        (stale.has(box.name) ? `\nstale (upstream ${stale.get(box.name)!.join(', ')} changed)` : '');
      group.append(title, rect, text);
      group.addEventListener('click', () => this.select(box.name));
      svg.append(group);
    }
    return svg;
  }

  /** Select a node (for "from/to here") and jump to its cell. */
  select(name: string): void {
    this._selected = name;
    this.draw();
    if (!this.projectPipeline) {
      this.jumpToNode(name);
    }
  }

  jumpToNode(name: string, line?: number): void {
    const node = this.watcher?.result?.nodes.find(n => n.name === name);
    if (node) {
      this.jumpToCell(node.cell_index, line);
    }
  }

  jumpToCell(index: number, line?: number | null): void {
    const panel = this._notebook;
    if (!panel || index < 0 || index >= panel.content.widgets.length) {
      return;
    }
    panel.content.activeCellIndex = index;
    void panel.content.scrollToItem(index, 'center').then(async () => {
      const cell = panel.content.widgets[index];
      await cell.ready;
      if (line && cell.editor) {
        cell.editor.setCursorPosition({ line: line - 1, column: 0 });
        cell.editor.focus();
      }
    });
  }

  /** Save the notebook and run it (or the selected project pipeline) in its kernel. */
  async run(scope: RunScope): Promise<boolean> {
    const panel = this._notebook;
    const kernel = panel?.sessionContext.session?.kernel;
    if (!panel || this._running) {
      return false;
    }
    if (!kernel) {
      this.status.textContent = 'The notebook has no kernel: start one to run the pipeline.';
      return false;
    }
    const project = this.projectPipeline;
    const selected = this._selected ? [this._selected] : [];
    if (scope !== 'all' && !selected.length) {
      this.status.textContent = 'Select a node first (click it in the graph).';
      return false;
    }
    await panel.context.save();
    const file = panel.context.path.split('/').pop()!;
    const line = runLine(file, {
      pipeline: project?.name,
      fromNodes: scope === 'from' ? selected : undefined,
      toNodes: scope === 'to' ? selected : undefined
    });
    this._running = true;
    this._states.clear();
    this._failures.clear();
    this.log.replaceChildren(element('div', { className: 'kedro-nb-run-line' }, line));
    this.status.textContent = 'Running…';
    this.draw();
    const future = kernel.requestExecute({
      code: `${LOAD_EXTENSION}\n${line}`,
      silent: false,
      store_history: false,
      allow_stdin: false
    });
    let errorText = '';
    future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
      const type = msg.header.msg_type;
      if (type === 'display_data' || type === 'update_display_data') {
        const data = progressIn(msg.content);
        if (data) {
          for (const [name, state] of drawnStates(data)) {
            this._states.set(name, state);
          }
          for (const [name, progress] of Object.entries(data.nodes)) {
            if (progress.state === 'failed') {
              this._failures.set(name, progress);
            }
          }
          this.draw();
        }
      } else if (type === 'error') {
        const content = msg.content as KernelMessage.IErrorMsg['content'];
        errorText = `${content.ename}: ${content.evalue}`;
      } else if (type === 'stream') {
        const text = (msg.content as KernelMessage.IStreamMsg['content']).text;
        this.log.append(element('pre', { className: 'kedro-nb-run-stream' }, text));
      }
    };
    let ok = false;
    try {
      const reply = await future.done;
      ok = reply.content.status === 'ok';
    } finally {
      this._running = false;
    }
    for (const [name, failure] of this._failures) {
      this.log.append(this._failureLink(name, failure));
    }
    if (!ok && errorText && !this._failures.size) {
      this.log.append(element('pre', { className: 'kedro-nb-run-error' }, errorText));
    }
    this.draw();
    const done = [...this._states.values()].filter(s => s === 'done').length;
    this.status.textContent = ok
      ? `Run finished: ${nodes(done)} done.`
      : `Run failed${this._failures.size ? `: ${[...this._failures.keys()].join(', ')}` : ''}.`;
    this.status.dataset.error = String(!ok);
    Notification.emit(this.status.textContent, ok ? 'success' : 'error', { autoClose: 4000 });
    return ok;
  }

  private _failureLink(name: string, failure: NodeProgress): HTMLElement {
    const where =
      failure.cell !== undefined ? ` (cell ${failure.cell + 1}${failure.line ? `, line ${failure.line}` : ''})` : '';
    const link = element(
      'a',
      { className: 'kedro-nb-failure', href: '#', title: 'Go to the failing line' },
      `${name} failed${where}: ${failure.error ?? ''}`
    );
    link.dataset.node = name;
    link.addEventListener('click', event => {
      event.preventDefault();
      if (failure.cell !== undefined) {
        this.jumpToCell(failure.cell, failure.line);
      } else {
        this.jumpToNode(name);
      }
    });
    return link;
  }

  /** Show check findings, each linked to its cell. */
  showFindings(findings: Finding[], summary: string): void {
    this.findings.replaceChildren(element('div', { className: 'kedro-nb-findings-title' }, `Check: ${summary}`));
    for (const finding of findings) {
      const item = element(
        'a',
        { className: 'kedro-nb-finding', href: '#' },
        `cell ${finding.cell_index + 1}${finding.node ? ` (${finding.node})` : ''}: ${findingText(finding)}`
      );
      item.dataset.kind = finding.kind;
      item.dataset.problem = String(Boolean(finding.problem));
      item.addEventListener('click', event => {
        event.preventDefault();
        this.jumpToCell(finding.cell_index, finding.line);
      });
      this.findings.append(item);
    }
  }

  get states(): ReadonlyMap<string, NodeState> {
    return this._states;
  }

  readonly selector = element('select');
  private readonly runAll: HTMLButtonElement;
  private readonly runFrom: HTMLButtonElement;
  private readonly runTo: HTMLButtonElement;
  private readonly rerun: HTMLButtonElement;
  private readonly status = element('div');
  private readonly canvas = element('div');
  private readonly log = element('div');
  private readonly findings = element('div');
  private _notebook: NotebookPanel | null = null;
  private _project: PipelinesResult | null = null;
  private _selected: string | null = null;
  private _running = false;
  /** which graph was drawn last, at which width (another opens scrolled to its middle) */
  private _drawnKey = '';
  private _states = new Map<string, NodeState>();
  private _failures = new Map<string, NodeProgress>();
}
