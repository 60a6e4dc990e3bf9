/**
 * Making, renaming, unmaking and skipping node cells through the notebook model
 * (`sharedModel` metadata: undo, collaboration and saving work), never through the DOM.
 */
import { Dialog, InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import { ICellModel } from '@jupyterlab/cells';
import { INotebookModel } from '@jupyterlab/notebook';

import { isSkipped, nameProblem, nodeNameOf, suggestName, withNodeName, withSkip } from './convention';

export function cellTags(model: ICellModel): string[] {
  const tags = model.sharedModel.getMetadata('tags');
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

function setTags(model: ICellModel, tags: string[]): void {
  if (tags.length) {
    model.sharedModel.setMetadata('tags', tags);
  } else {
    model.sharedModel.deleteMetadata('tags');
  }
}

export function nodeName(model: ICellModel): string | null {
  return model.type === 'code' ? nodeNameOf(cellTags(model)) : null;
}

export function skipped(model: ICellModel): boolean {
  return isSkipped(cellTags(model));
}

/** The node names of the notebook's cells, leaving out `except`. */
export function takenNames(notebook: INotebookModel, except?: ICellModel): string[] {
  const names: string[] = [];
  for (let i = 0; i < notebook.cells.length; i++) {
    const cell = notebook.cells.get(i);
    const name = cell === except ? null : nodeName(cell);
    if (name) {
      names.push(name);
    }
  }
  return names;
}

/** Write `name` as the cell's node tag (null: a plain cell again), in one undoable step. */
export function writeNodeName(model: ICellModel, name: string | null): void {
  model.sharedModel.transact(() => {
    let tags = withNodeName(cellTags(model), name);
    if (name !== null) {
      tags = withSkip(tags, false); // a node is never also set aside
    }
    setTags(model, tags);
  });
}

export function writeSkipped(model: ICellModel, value: boolean): void {
  model.sharedModel.transact(() => setTags(model, withSkip(cellTags(model), value)));
}

/**
 * Ask for a node name (pre-filled with `suggestion`) until it is valid and unused; null when
 * the user cancels.
 */
async function askName(title: string, suggestion: string, taken: string[]): Promise<string | null> {
  let text = suggestion;
  for (;;) {
    const answer = await InputDialog.getText({
      title,
      label: 'Node name (a Python identifier, unique in the notebook)',
      text,
      okLabel: 'Save'
    });
    if (!answer.button.accept || answer.value === null) {
      return null;
    }
    const name = answer.value.trim();
    const problem = nameProblem(name, taken);
    if (problem === null) {
      return name;
    }
    await showErrorMessage('kedro-nb: invalid node name', problem, [Dialog.okButton()]);
    text = name;
  }
}

/**
 * Make `model` a node: with `given` (the command's `name` argument) no dialog is shown, and a
 * bad name is refused with a message and no change. Returns the name written, or null.
 */
export async function makeNode(
  notebook: INotebookModel,
  model: ICellModel,
  index: number,
  given?: string
): Promise<string | null> {
  if (model.type !== 'code') {
    await showErrorMessage('kedro-nb', 'Only code cells can be pipeline nodes.', [Dialog.okButton()]);
    return null;
  }
  const taken = takenNames(notebook, model);
  const current = nodeName(model);
  let name: string | null;
  if (given !== undefined) {
    name = given.trim();
    const problem = nameProblem(name, taken);
    if (problem !== null) {
      await showErrorMessage('kedro-nb: invalid node name', problem, [Dialog.okButton()]);
      return null;
    }
  } else {
    const suggestion = current ?? suggestName(model.sharedModel.getSource(), taken, index + 1);
    name = await askName(current ? 'Rename node' : 'Make node', suggestion, taken);
  }
  if (name !== null) {
    writeNodeName(model, name);
  }
  return name;
}
