using MeshClaw.Core.Runs;

namespace MeshClaw.Storage.Runs;

internal sealed class TranscriptRow
{
    public long seq { get; set; }
    public string role { get; set; } = "";
    public string content { get; set; } = "";
    public long at { get; set; }

    public TranscriptEntry ToEntry() => new((int)seq, role, content, DateTimeOffset.FromUnixTimeMilliseconds(at));
}
