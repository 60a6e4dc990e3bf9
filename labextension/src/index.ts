import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'kedro-nb:plugin',
  description: 'kedro-nb pipeline tools',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log('kedro-nb activated', app.name);
  }
};

export default plugin;
