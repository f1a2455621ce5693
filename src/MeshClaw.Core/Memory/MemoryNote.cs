namespace MeshClaw.Core.Memory;

/// <summary>One note: its text, its trust (observed, or untrusted when written by a run that had read untrusted content) and the run that wrote it.</summary>
public sealed record MemoryNote(long Id, string Text, string Trust, string? SourceRun);
