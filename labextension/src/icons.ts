import { LabIcon } from '@jupyterlab/ui-components';

/** A node: a box with an arrow in and out. */
export const nodeIcon = new LabIcon({
  name: 'kedro-nb:node',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="#616161"><rect x="4" y="5" width="8" height="6" rx="1.5"/>' +
    '<rect x="0" y="7.25" width="4" height="1.5"/><rect x="12" y="7.25" width="4" height="1.5"/></g></svg>'
});

/** A pipeline: three boxes joined top-down. */
export const pipelineIcon = new LabIcon({
  name: 'kedro-nb:pipeline',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="#616161"><rect x="5" y="0.5" width="6" height="4" rx="1"/>' +
    '<rect x="0.5" y="11.5" width="6" height="4" rx="1"/><rect x="9.5" y="11.5" width="6" height="4" rx="1"/>' +
    '<path d="M7.3 4.5h1.4v3h4v4h-1.4V9H4.7v2.5H3.3v-4h4z"/></g></svg>'
});

/** Run the pipeline: a play triangle beside two joined boxes. */
export const runPipelineIcon = new LabIcon({
  name: 'kedro-nb:run-pipeline',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="#616161"><path d="M0.5 2v12l7-6z"/>' +
    '<rect x="10" y="1" width="5.5" height="4" rx="1"/><rect x="10" y="11" width="5.5" height="4" rx="1"/>' +
    '<rect x="12" y="5" width="1.5" height="6"/></g></svg>'
});
