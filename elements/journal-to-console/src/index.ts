import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'journal-to-console',
  description: "Makes systemd-journald forward every log message to the console, to debug a machine's boot from its console log",
});
