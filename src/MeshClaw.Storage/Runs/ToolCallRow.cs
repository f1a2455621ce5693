using MeshClaw.Core.Runs;

namespace MeshClaw.Storage.Runs;

internal sealed class ToolCallRow
{
    public long seq { get; set; }
    public string call_id { get; set; } = "";
    public string tool { get; set; } = "";
    public string arguments { get; set; } = "";
    public string outcome { get; set; } = "";
    public string result { get; set; } = "";
    public double duration_ms { get; set; }
    public long at { get; set; }

    public ToolCallRecord ToRecord() => new((int)seq, call_id, tool, arguments, Enum.Parse<ToolCallOutcome>(outcome), result,
        duration_ms, DateTimeOffset.FromUnixTimeMilliseconds(at));
}
