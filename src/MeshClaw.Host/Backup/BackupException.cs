namespace MeshClaw.Host.Backup;

/// <summary>A backup or restore that cannot go on; the message says what is wrong and what to do, <see cref="ExitCode"/> what the CLI returns.</summary>
public sealed class BackupException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A gateway runs on the home (as <c>up</c> refusing a second gateway).</summary>
    public const int GatewayRunning = 4;

    /// <summary>The archive needs a newer MeshClaw (as <c>up</c> refusing a newer database).</summary>
    public const int NewerSchema = 5;

    public int ExitCode { get; } = exitCode;
}
