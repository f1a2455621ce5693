namespace MeshClaw.Core.Runs;

/// <summary>One message of a run's transcript, in order: system, user, assistant or tool.</summary>
public sealed record TranscriptEntry(int Seq, string Role, string Content, DateTimeOffset At);
