// Slack's official sender, unchanged, against patchbay: node slack_webhook.mjs <hook URL>.
// Sends a message with link markup, a username/icon override and one attachment, and prints
// PASS when the sender reports success (patchbay's "ok"). slack_webhook_test.cpp then reads the
// stored post back through the REST API.
import { IncomingWebhook } from '@slack/webhook';

const url = process.argv[2];
if (!url) {
  console.error('usage: node slack_webhook.mjs <hook URL>');
  process.exit(2);
}

const webhook = new IncomingWebhook(url, { username: 'ci-bot', icon_url: 'https://ci.example.com/icon.png' });
try {
  const result = await webhook.send({
    text: 'Build <https://ci.example.com/job/42|#42> passed on <!here>',
    attachments: [{
      fallback: 'Build #42 passed',
      color: '#36a64f',
      title: 'Job 42',
      title_link: 'https://ci.example.com/job/42',
      text: 'See <https://ci.example.com/job/42/log|the log>',
      fields: [{ title: 'Branch', value: 'main', short: true }],
      footer: 'CI',
    }],
  });
  console.log(`sent: ${JSON.stringify(result)}`);
  if (result.text !== 'ok') {
    console.error('expected the response body "ok"');
    process.exit(1);
  }
  console.log('PASS');
} catch (e) {
  console.error(`send failed: ${e.code ?? ''} ${e.message}`);
  process.exit(1);
}
