namespace MeshClaw.Host.Dashboard.Chat;

/// <summary>
/// The chat page's script: posts a turn with fetch and reads the answer's server-sent events from the response as they
/// come (EventSource cannot POST). Text from the agent is set as text, never as markup.
/// </summary>
internal static class ChatScript
{
    public const string Text = """
        // MeshClaw chat: one turn at a time, the answer streamed into the page.
        (() => {
          const form = document.getElementById('chat-form');
          const log = document.getElementById('chat-log');
          const send = document.getElementById('chat-send');
          const line = (className, text) => {
            const p = document.createElement('p');
            p.className = className;
            p.textContent = text;
            return p;
          };
          const link = (href, text) => {
            const a = document.createElement('a');
            a.href = href;
            a.textContent = text;
            return a;
          };
          // Server-sent events out of a fetch response: frames end with a blank line; 'event:' names, 'data:' carries JSON.
          async function* frames(response) {
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = '';
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              buffer += decoder.decode(value, { stream: true });
              let end;
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                let name = 'message', data = '';
                for (const row of frame.split('\n')) {
                  if (row.startsWith('event: ')) name = row.slice(7);
                  else if (row.startsWith('data: ')) data += row.slice(6);
                }
                if (data) yield [name, JSON.parse(data)];
              }
            }
          }
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const body = new FormData(form);
            if (!String(body.get('message')).trim()) return;
            const turn = document.createElement('div');
            turn.className = 'turn card';
            turn.dataset.state = 'sending';
            turn.append(line('you', String(body.get('message'))));
            const answer = line('answer', '');
            answer.dataset.deltas = '0';
            turn.append(answer);
            log.append(turn);
            form.elements.message.value = '';
            send.disabled = true;
            try {
              const response = await fetch('/chat', { method: 'POST', body, credentials: 'same-origin' });
              if (!response.ok) {
                turn.dataset.state = 'refused';
                turn.append(line('bad', await response.text()));
                return;
              }
              for await (const [name, data] of frames(response)) {
                if (name === 'run') {
                  turn.dataset.run = data.id;
                  turn.dataset.state = 'running';
                } else if (name === 'text') {
                  answer.textContent += data.delta;
                  answer.dataset.deltas = String(Number(answer.dataset.deltas) + 1);
                } else if (name === 'tool') {
                  turn.insertBefore(line('tool', `${data.tool}: ${data.outcome}`), answer);
                } else if (name === 'approval') {
                  const held = line('approval notice', `${data.tool} waits for your approval (${data.reason}). `);
                  held.append(link('/approvals#approval-' + encodeURIComponent(data.id), 'Open the approval'));
                  turn.insertBefore(held, answer);
                } else if (name === 'done') {
                  if (!answer.textContent && data.answer) answer.textContent = data.answer;
                  const status = line('status', `${data.status}${data.reason ? ': ' + data.reason : ''} · ${data.usage.totalTokens} tokens · `);
                  status.append(link('/runs/' + encodeURIComponent(data.id), 'the run'));
                  turn.append(status);
                  turn.dataset.state = data.status;
                }
              }
            } catch (error) {
              turn.dataset.state = 'broken';
              turn.append(line('bad', 'the connection broke: ' + error.message));
            } finally {
              send.disabled = false;
            }
          });
          document.documentElement.dataset.chat = 'ready';
        })();
        """;
}
