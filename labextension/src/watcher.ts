/**
 * One open notebook as kedro-nb sees it: the analysis of its current cells (debounced after
 * edits, from the server's analysis endpoint), when each cell last ran and changed (for the
 * stale marking), and the badges drawn in the node cells' headers.
 */
import { Cell, CodeCell, ICellModel } from '@jupyterlab/cells';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import { PanelLayout, Widget } from '@lumino/widgets';

import { AnalysedNode, AnalysisResult, KedroNbRequestError, requestAPI } from './api';
import { badgeLevel, badgeText, badgeTooltip } from './badge';
import { METADATA_KEY } from './convention';
import { buildGraph, Graph } from './graph';
import { CellTimes, rerunTargets, staleNodes } from './stale';

export const BADGE_CLASS = 'kedro-nb-node-badge';

export interface WatcherSettings {
  showBadges: boolean;
  analysisDelay: number;
}

/** The badge in a node cell's header (a Lumino widget in the cell's layout). */
class Badge extends Widget {
  readonly label = document.createElement('span');
  readonly rerun = document.createElement('button');

  constructor(onRerun: () => void) {
    super();
    this.addClass(BADGE_CLASS);
    this.label.className = 'kedro-nb-node-badge-label';
    this.rerun.className = 'kedro-nb-rerun-stale';
    this.rerun.textContent = 'stale: re-run';
    this.rerun.title = 'Re-run the stale node cells in pipeline order';
    this.rerun.addEventListener('click', event => {
      event.stopPropagation();
      onRerun();
    });
    this.node.append(this.label, this.rerun);
  }

  show_(node: AnalysedNode, staleBecause: string[] | undefined): void {
    this.label.textContent = badgeText(node);
    this.node.title = badgeTooltip(node, staleBecause ?? []);
    this.node.dataset.level = badgeLevel(node.warnings);
    this.node.dataset.node = node.name;
    this.node.dataset.stale = staleBecause ? 'true' : 'false';
    this.rerun.hidden = !staleBecause;
  }
}

export class NotebookWatcher implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    private settings: WatcherSettings
  ) {
    const model = panel.context.model;
    model.cells.changed.connect(this._onCellsChanged, this);
    for (let i = 0; i < model.cells.length; i++) {
      this._watchCell(model.cells.get(i));
    }
    NotebookActions.executed.connect(this._onExecuted, this);
    panel.context.pathChanged.connect(() => this.schedule(), this);
    void panel.context.ready.then(() => this.refresh());
  }

  /** Emitted after each new analysis and each change of run times (the panel redraws). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get result(): AnalysisResult | null {
    return this._result;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    window.clearTimeout(this._timer);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    for (const badge of this._badges.values()) {
      badge.dispose();
    }
    Signal.clearData(this);
  }

  updateSettings(settings: WatcherSettings): void {
    this.settings = settings;
    this.render();
  }

  /** The notebook's nodes as a graph (from the latest analysis). */
  graph(): Graph {
    return buildGraph(this._result?.nodes ?? []);
  }

  /** Stale node -> the upstream nodes that made it stale. */
  stale(): Map<string, string[]> {
    return staleNodes(this.graph(), this._cellTimes());
  }

  /** Node name -> when its cell last ran and changed. */
  private _cellTimes(): Map<string, CellTimes> {
    const times = new Map<string, CellTimes>();
    for (const node of this._result?.nodes ?? []) {
      times.set(node.name, this._times.get(node.cell_id) ?? {});
    }
    return times;
  }

  /** Analyse again after the configured delay (edits come in bursts). */
  schedule(): void {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => void this.refresh(), this.settings.analysisDelay);
  }

  async refresh(): Promise<void> {
    if (this._disposed) {
      return;
    }
    const model = this.panel.context.model;
    const cells = [];
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      const metadata: Record<string, unknown> = {};
      const tags = cell.sharedModel.getMetadata('tags');
      if (tags !== undefined) {
        metadata.tags = tags;
      }
      const own = cell.sharedModel.getMetadata(METADATA_KEY);
      if (own !== undefined) {
        metadata[METADATA_KEY] = own;
      }
      cells.push({ id: cell.id, cell_type: cell.type, source: cell.sharedModel.getSource(), metadata });
    }
    const serial = ++this._serial;
    try {
      const result = await requestAPI<AnalysisResult>('analysis', {
        body: { path: this.panel.context.path, cells }
      });
      if (serial !== this._serial || this._disposed) {
        return; // a newer request is under way
      }
      this._result = result;
      this._failure = null;
    } catch (error) {
      if (serial !== this._serial) {
        return;
      }
      this._failure = error instanceof KedroNbRequestError ? error.message : String(error);
    }
    this.render();
    this._changed.emit();
  }

  get failure(): string | null {
    return this._failure ?? this._result?.error?.message ?? null;
  }

  /** Draw or update the badge of every node cell; hide the others'. */
  render(): void {
    const nodes = new Map<string, AnalysedNode>();
    for (const node of this._result?.nodes ?? []) {
      nodes.set(node.cell_id, node);
    }
    for (const item of this._result?.set_aside ?? []) {
      if (item.cell_id) {
        nodes.set(item.cell_id, {
          name: '(not Python yet)',
          cell_id: item.cell_id,
          cell_index: item.cell_index ?? -1,
          inputs: [],
          outputs: [],
          pipeline: null,
          warnings: [
            {
              kind: 'syntax',
              cell_index: item.cell_index ?? -1,
              cell_id: item.cell_id,
              line: item.line,
              message: item.message,
              node: null
            }
          ]
        });
      }
    }
    const stale = this.stale();
    for (const cell of this.panel.content.widgets) {
      const node = this.settings.showBadges ? nodes.get(cell.model.id) : undefined;
      const badge = this._badges.get(cell.model.id);
      if (!node) {
        if (badge) {
          badge.hide();
        }
        continue;
      }
      this._badgeFor(cell, badge).then(drawn => {
        if (drawn) {
          drawn.show_(node, stale.get(node.name));
          drawn.show();
        }
      });
    }
  }

  /** The cell's badge, made and put in its header once the cell is rendered (windowed
   * notebooks render cells when they first scroll into view). */
  private async _badgeFor(cell: Cell, existing: Badge | undefined): Promise<Badge | null> {
    if (existing && existing.parent === cell) {
      return existing;
    }
    await cell.ready;
    if (cell.isDisposed || this._disposed) {
      return null;
    }
    const present = this._badges.get(cell.model.id);
    if (present && present.parent === cell) {
      return present;
    }
    present?.dispose();
    const badge = new Badge(() => void this.rerunStale());
    const layout = cell.layout as PanelLayout;
    const header = layout.widgets.findIndex(w => w.hasClass('jp-CellHeader'));
    layout.insertWidget(header + 1, badge);
    this._badges.set(cell.model.id, badge);
    return badge;
  }

  /** Re-run the stale node cells, with the edited upstream cells that made them stale, in
   * pipeline order (the notebook's order is topological). */
  async rerunStale(): Promise<number> {
    const targets = rerunTargets(this.graph(), this._cellTimes());
    const ordered = (this._result?.nodes ?? [])
      .filter(node => targets.has(node.name))
      .sort((a, b) => a.cell_index - b.cell_index);
    let ran = 0;
    for (const node of ordered) {
      const cell = this.panel.content.widgets.find(c => c.model.id === node.cell_id);
      if (!(cell instanceof CodeCell)) {
        continue;
      }
      const reply = await CodeCell.execute(cell, this.panel.sessionContext);
      if (!reply || reply.content.status !== 'ok') {
        break;
      }
      this._ran(cell.model);
      ran++;
    }
    this.render();
    this._changed.emit();
    return ran;
  }

  private _ran(model: ICellModel): void {
    const times = this._times.get(model.id) ?? {};
    this._times.set(model.id, { ...times, ranAt: ++this._clock });
  }

  private _onExecuted(_: unknown, args: { notebook: unknown; cell: Cell; success: boolean }): void {
    if (args.notebook !== this.panel.content || !args.success) {
      return;
    }
    this._ran(args.cell.model);
    this.render();
    this._changed.emit();
  }

  private _onCellsChanged(): void {
    const model = this.panel.context.model;
    for (let i = 0; i < model.cells.length; i++) {
      this._watchCell(model.cells.get(i));
    }
    this.schedule();
  }

  private _watchCell(cell: ICellModel): void {
    if (this._watched.has(cell)) {
      return;
    }
    this._watched.add(cell);
    cell.sharedModel.changed.connect((_, change) => {
      if (change.sourceChange) {
        const times = this._times.get(cell.id) ?? {};
        this._times.set(cell.id, { ...times, editedAt: ++this._clock });
      }
      if (change.sourceChange || change.metadataChange) {
        this.schedule();
      }
    }, this);
  }

  private _result: AnalysisResult | null = null;
  private _failure: string | null = null;
  private _timer = 0;
  private _serial = 0;
  /** a logical clock: edits and runs are ordered, wall time is not needed */
  private _clock = 0;
  private _times = new Map<string, CellTimes>();
  private _badges = new Map<string, Badge>();
  private _watched = new WeakSet<ICellModel>();
  private _changed = new Signal<this, void>(this);
  private _disposed = false;
}
