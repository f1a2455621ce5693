namespace MeshClaw.Core.Usage;

/// <summary>
/// How a model call ended, as its ledger row says it: <c>ok</c>, <c>timeout</c>, <c>cancelled</c> or <c>failed</c>. The
/// row keeps one error text; a timeout's starts with <see cref="TimeoutPrefix"/> and a cancelled call's is
/// <see cref="Cancelled"/>, so the outcome is read from it without a column of its own.
/// </summary>
public static class UsageOutcome
{
    public const string Ok = "ok";
    public const string Timeout = "timeout";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";

    /// <summary>What a timed-out call's error text starts with.</summary>
    public const string TimeoutPrefix = "timeout: ";

    public static string Of(string? error) =>
        error is null ? Ok
        : error.StartsWith(TimeoutPrefix, StringComparison.Ordinal) ? Timeout
        : error == Cancelled ? Cancelled
        : Failed;
}
