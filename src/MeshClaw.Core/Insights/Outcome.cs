namespace MeshClaw.Core.Insights;

/// <summary>One thing a run produced, and the user's verdict on it when given.</summary>
public sealed record Outcome(long Id, string RunId, string Agent, string Kind, string Subject, string? Detail, string Source, DateTimeOffset At, string? Feedback);

/// <summary>An outcome to record: <paramref name="Source"/> says what decided it (the model, or a rule).</summary>
public sealed record NewOutcome(string RunId, string Agent, string Kind, string Subject, string? Detail, string Source, DateTimeOffset At);
