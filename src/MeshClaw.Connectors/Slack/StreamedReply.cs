using System.Text;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// The answer streamed into one Slack message by editing it: the first text at once, then at most one edit a second
/// (chat.update is a Tier 3 method: about 50 a minute). A refused edit is skipped; the final answer replaces it anyway.
/// </summary>
public sealed class StreamedReply(SlackClient client, SlackMessageRef message, TimeProvider time) : IRunObserver
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private readonly StringBuilder _text = new();
    private DateTimeOffset? _lastEdit;

    public int Edits { get; private set; }

    public async ValueTask OnTextAsync(string delta, CancellationToken cancellationToken)
    {
        _text.Append(delta);
        var now = time.GetUtcNow();
        if (_lastEdit is { } last && now - last < Every)
        {
            return;
        }

        _lastEdit = now;
        try
        {
            await client.UpdateAsync(message.Channel, message.Ts, _text + " …", null, cancellationToken);
            Edits++;
        }
        catch (SlackApiException)
        {
            // Rate-limited or refused: this edit is skipped, the next one (or the final answer) catches up.
        }
    }

    public ValueTask OnToolCallAsync(ToolCallRecord call, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
