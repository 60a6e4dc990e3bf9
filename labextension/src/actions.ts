/**
 * The notebook-wide actions: convert (a preview of every file as a diff, written only on
 * confirmation), check (findings linked to cells, shown in the pipeline panel) and strip.
 * Each saves the notebook first, since the server works on the saved file.
 */
import { Dialog, Notification, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { CheckResult, ConvertFile, ConvertResult, KedroNbRequestError, requestAPI } from './api';
import { findingText } from './badge';

export interface ConvertSettings {
  target: string;
  defaultPipeline: string;
}

function message(error: unknown): string {
  return error instanceof KedroNbRequestError ? error.message : String(error);
}

/** A file's diff as coloured lines. */
function diffView(file: ConvertFile): HTMLElement {
  const details = document.createElement('details');
  details.className = 'kedro-nb-convert-file';
  details.dataset.status = file.status;
  details.dataset.path = file.path;
  details.open = file.status !== 'unchanged';
  const summary = document.createElement('summary');
  summary.textContent = `${file.path} (${file.status}${file.hand_edits ? ', edited by hand' : ''})`;
  if (file.hand_edits) {
    details.dataset.handEdited = 'true';
    summary.title = file.hand_edits;
  }
  const pre = document.createElement('pre');
  pre.className = 'kedro-nb-diff';
  for (const line of (file.diff || 'no change').split('\n')) {
    const span = document.createElement('span');
    span.textContent = line + '\n';
    if (line.startsWith('+') && !line.startsWith('+++')) {
      span.className = 'kedro-nb-diff-add';
    } else if (line.startsWith('-') && !line.startsWith('---')) {
      span.className = 'kedro-nb-diff-del';
    } else if (line.startsWith('@@')) {
      span.className = 'kedro-nb-diff-hunk';
    }
    pre.append(span);
  }
  details.append(summary, pre);
  return details;
}

function previewBody(result: ConvertResult): Widget {
  const body = new Widget();
  body.addClass('kedro-nb-convert-preview');
  const changing = result.files.filter(f => f.status !== 'unchanged').length;
  const intro = document.createElement('p');
  intro.textContent =
    `${changing} of ${result.files.length} files to write under ${result.root || '.'}` +
    (result.issues.length ? `; ${result.issues.length} warnings:` : '.');
  body.node.append(intro);
  const edited = result.files.filter(f => f.hand_edits);
  if (edited.length) {
    const warning = document.createElement('div');
    warning.className = 'kedro-nb-convert-hand-edits';
    warning.textContent =
      `Edited by hand since the last conversion (writing asks before overwriting; ` +
      `\`kedro-nb sync\` carries such edits back into the notebook):`;
    for (const file of edited) {
      const item = document.createElement('div');
      item.textContent = file.hand_edits!;
      warning.append(item);
    }
    body.node.append(warning);
  }
  for (const issue of result.issues) {
    const item = document.createElement('div');
    item.className = 'kedro-nb-convert-issue';
    item.textContent = `cell ${issue.cell_index + 1}: ${findingText(issue)}`;
    body.node.append(item);
  }
  for (const file of result.files) {
    body.node.append(diffView(file));
  }
  return body;
}

/** Preview the conversion, and write it when the user confirms. Returns the written result. */
export async function convertNotebook(
  panel: NotebookPanel,
  settings: ConvertSettings
): Promise<ConvertResult | null> {
  await panel.context.save();
  const request = {
    path: panel.context.path,
    // empty: the target the project remembers for this notebook (else kedro_nb), as the CLI
    target: settings.target || null,
    pipeline: settings.defaultPipeline || null
  };
  let preview: ConvertResult;
  try {
    preview = await requestAPI<ConvertResult>('convert', { body: { ...request, action: 'preview' } });
  } catch (error) {
    await showErrorMessage('kedro-nb: cannot convert', message(error));
    return null;
  }
  const changing = preview.files.some(f => f.status !== 'unchanged');
  const answer = await showDialog({
    title: 'Convert notebook to pipeline',
    body: previewBody(preview),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: changing ? 'Write files' : 'Nothing to write', ariaLabel: 'Write files' })
    ]
  });
  if (!answer.button.accept || !changing) {
    return null;
  }
  try {
    return await writeConversion(request, false);
  } catch (error) {
    if (!(error instanceof KedroNbRequestError && error.status === HAND_EDITS)) {
      await showErrorMessage('kedro-nb: conversion not written', message(error));
      return null;
    }
    const force = await showDialog({
      title: 'Generated files were edited by hand',
      body: refusalBody(error.message),
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Convert anyway (overwrite hand edits)' })],
      defaultButton: 0 // Enter keeps the edits
    });
    if (!force.button.accept) {
      return null;
    }
    try {
      return await writeConversion(request, true);
    } catch (again) {
      await showErrorMessage('kedro-nb: conversion not written', message(again));
      return null;
    }
  }
}

/** The status the convert endpoint answers when a write would overwrite hand edits. */
const HAND_EDITS = 409;

async function writeConversion(request: object, force: boolean): Promise<ConvertResult> {
  const written = await requestAPI<ConvertResult>('convert', { body: { ...request, action: 'write', force } });
  Notification.success(`Wrote ${written.files.length} files under ${written.root || '.'}`, {
    autoClose: 6000
  });
  return written;
}

/** The refusal, as the server words it (which files and functions were edited, and how to
 * carry the edits back with `kedro-nb sync` instead). */
function refusalBody(text: string): Widget {
  const body = new Widget();
  body.addClass('kedro-nb-convert-refusal');
  const pre = document.createElement('pre');
  pre.textContent = text;
  body.node.append(pre);
  return body;
}

export async function checkNotebook(panel: NotebookPanel): Promise<CheckResult | null> {
  await panel.context.save();
  try {
    return await requestAPI<CheckResult>('check', { body: { path: panel.context.path } });
  } catch (error) {
    await showErrorMessage('kedro-nb: cannot check', message(error));
    return null;
  }
}

/** Strip outputs from the saved file and show the result (the notebook reloads from disk). */
export async function stripNotebook(panel: NotebookPanel): Promise<boolean> {
  await panel.context.save();
  try {
    const result = await requestAPI<{ changed: boolean }>('strip', { body: { path: panel.context.path } });
    await panel.context.revert();
    Notification.info(result.changed ? 'Outputs stripped.' : 'Already stripped.', { autoClose: 3000 });
    return result.changed;
  } catch (error) {
    await showErrorMessage('kedro-nb: cannot strip', message(error));
    return false;
  }
}
