/**
 * kedro-nb in JupyterLab: commands to make, rename, unmake and skip node cells (cell toolbar,
 * palette, menu), a live badge on each node cell, the pipeline panel, and convert / check /
 * strip. The server extension `kedro_nb.server` answers the calls (see api.ts).
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { checkNotebook, convertNotebook, stripNotebook } from './actions';
import { makeNode, nodeName, skipped, writeNodeName, writeSkipped } from './cellops';
import { nodeIcon, pipelineIcon, runPipelineIcon } from './icons';
import { PipelinePanel, RunScope } from './panel';
import { NotebookWatcher } from './watcher';

const PLUGIN_ID = 'kedro-nb:plugin';

export const CommandIDs = {
  makeNode: 'kedro-nb:make-node',
  unmakeNode: 'kedro-nb:unmake-node',
  renameNode: 'kedro-nb:rename-node',
  skipCell: 'kedro-nb:skip-cell',
  runStale: 'kedro-nb:run-stale',
  openPanel: 'kedro-nb:open-pipeline-panel',
  runPipeline: 'kedro-nb:run-pipeline',
  convert: 'kedro-nb:convert',
  check: 'kedro-nb:check',
  strip: 'kedro-nb:strip'
} as const;

interface Settings {
  defaultPipeline: string;
  target: string;
  showBadges: boolean;
  analysisDelay: number;
}

const DEFAULTS: Settings = { defaultPipeline: '', target: '', showBadges: true, analysisDelay: 400 };

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Make, see, run and convert kedro-nb pipeline nodes in JupyterLab.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ILabShell, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null
  ) => {
    let settings: Settings = { ...DEFAULTS };
    const watchers = new Map<NotebookPanel, NotebookWatcher>();
    /** The notebook's watcher, made the first time anyone asks (the tracker may announce a
     * notebook as current before it announces it as added). */
    const watcherOf = (panel: NotebookPanel): NotebookWatcher | undefined => {
      if (panel.isDisposed) {
        return undefined;
      }
      let watcher = watchers.get(panel);
      if (!watcher) {
        const made = new NotebookWatcher(panel, settings);
        watchers.set(panel, made);
        panel.disposed.connect(() => {
          made.dispose();
          watchers.delete(panel);
        });
        watcher = made;
      }
      return watcher;
    };
    tracker.widgetAdded.connect((_, panel) => void watcherOf(panel));

    const pipelinePanel = new PipelinePanel(watcherOf);
    app.shell.add(pipelinePanel, 'right', { rank: 600 });
    restorer?.add(pipelinePanel, pipelinePanel.id);
    tracker.currentChanged.connect((_, panel) => pipelinePanel.setNotebook(panel));
    pipelinePanel.setNotebook(tracker.currentWidget);

    if (registry) {
      void registry.load(PLUGIN_ID).then(loaded => {
        const apply = () => {
          settings = { ...DEFAULTS, ...(loaded.composite as Partial<Settings>) };
          for (const watcher of watchers.values()) {
            watcher.updateSettings(settings);
          }
        };
        loaded.changed.connect(apply);
        apply();
      });
    }

    const { commands } = app;
    const current = () => tracker.currentWidget;
    const activeCell = () => tracker.activeCell;
    const hasCodeCell = () => activeCell()?.model.type === 'code';
    const isNode = () => {
      const cell = activeCell();
      return Boolean(cell && nodeName(cell.model));
    };

    commands.addCommand(CommandIDs.makeNode, {
      label: args => (args.isPalette ? 'Make node from cell' : 'Make node'),
      caption: 'Make the active cell a pipeline node (tag node:<name>)',
      icon: args => (args.isPalette ? undefined : nodeIcon),
      isEnabled: hasCodeCell,
      execute: async args => {
        const panel = current();
        const cell = activeCell();
        if (!panel || !cell || !panel.model) {
          return null;
        }
        const given = typeof args.name === 'string' ? args.name : undefined;
        const index = panel.content.widgets.indexOf(cell);
        return makeNode(panel.model, cell.model, index, given);
      }
    });
    commands.addCommand(CommandIDs.renameNode, {
      label: 'Rename node',
      caption: 'Rename the active node cell',
      isEnabled: isNode,
      execute: async args => {
        const panel = current();
        const cell = activeCell();
        if (!panel?.model || !cell || !nodeName(cell.model)) {
          return null;
        }
        const given = typeof args.name === 'string' ? args.name : undefined;
        return makeNode(panel.model, cell.model, panel.content.widgets.indexOf(cell), given);
      }
    });
    commands.addCommand(CommandIDs.unmakeNode, {
      label: 'Unmake node',
      caption: 'Make the active node cell a plain cell again',
      isEnabled: isNode,
      execute: () => {
        const cell = activeCell();
        if (cell) {
          writeNodeName(cell.model, null);
        }
      }
    });
    commands.addCommand(CommandIDs.skipCell, {
      label: 'Skip cell in the pipeline',
      caption: 'Toggle kedro_nb:skip: the cell is neither a node nor setup',
      isEnabled: hasCodeCell,
      isToggled: () => Boolean(activeCell() && skipped(activeCell()!.model)),
      execute: () => {
        const cell = activeCell();
        if (cell) {
          writeSkipped(cell.model, !skipped(cell.model));
        }
      }
    });
    commands.addCommand(CommandIDs.runStale, {
      label: 'Re-run stale node cells',
      caption: 'Run the node cells whose upstream changed since they ran, in pipeline order',
      isEnabled: () => Boolean(current()),
      execute: async () => {
        const panel = current();
        return panel ? watcherOf(panel)?.rerunStale() : 0;
      }
    });
    commands.addCommand(CommandIDs.openPanel, {
      label: 'Open pipeline panel',
      caption: 'Show the notebook pipeline panel',
      icon: args => (args.isPalette ? undefined : pipelineIcon),
      execute: () => {
        pipelinePanel.setNotebook(current());
        app.shell.activateById(pipelinePanel.id);
      }
    });
    commands.addCommand(CommandIDs.runPipeline, {
      label: args => (args.isPalette ? 'Run notebook pipeline' : 'Run pipeline'),
      caption: 'Save the notebook and run its pipeline (%run_pipeline --notebook)',
      icon: args => (args.isPalette ? undefined : runPipelineIcon),
      isEnabled: () => Boolean(current()),
      execute: async args => {
        pipelinePanel.setNotebook(current());
        app.shell.activateById(pipelinePanel.id);
        const scope = (['all', 'from', 'to'].includes(String(args.scope)) ? args.scope : 'all') as RunScope;
        return pipelinePanel.run(scope);
      }
    });
    commands.addCommand(CommandIDs.convert, {
      label: 'Convert notebook to pipeline…',
      caption: 'Preview the pipeline files this notebook converts into, then write them',
      isEnabled: () => Boolean(current()),
      execute: async () => {
        const panel = current();
        return panel ? convertNotebook(panel, settings) : null;
      }
    });
    commands.addCommand(CommandIDs.check, {
      label: 'Check notebook (isolation)',
      caption: 'List hidden state, undefined names and in-place changes of inputs, by cell',
      isEnabled: () => Boolean(current()),
      execute: async () => {
        const panel = current();
        if (!panel) {
          return null;
        }
        const result = await checkNotebook(panel);
        if (result) {
          pipelinePanel.setNotebook(panel);
          pipelinePanel.showFindings(result.findings, result.summary);
          app.shell.activateById(pipelinePanel.id);
        }
        return result;
      }
    });
    commands.addCommand(CommandIDs.strip, {
      label: 'Strip outputs (kedro-nb strip)',
      caption: 'Remove outputs and execution counts from the saved notebook, keeping tags',
      isEnabled: () => Boolean(current()),
      execute: async () => {
        const panel = current();
        return panel ? stripNotebook(panel) : false;
      }
    });

    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: 'kedro-nb', args: { isPalette: true } });
    }
    if (labShell) {
      labShell.currentChanged.connect(() => pipelinePanel.setNotebook(current()));
    }
  }
};

export default plugin;
