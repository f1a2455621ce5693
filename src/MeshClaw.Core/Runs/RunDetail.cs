namespace MeshClaw.Core.Runs;

/// <summary>Everything stored about one run.</summary>
public sealed record RunDetail(RunRecord Run, IReadOnlyList<TranscriptEntry> Transcript, IReadOnlyList<ToolCallRecord> ToolCalls);
