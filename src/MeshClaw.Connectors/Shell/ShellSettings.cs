namespace MeshClaw.Connectors.Shell;

/// <summary>The shell tool's limits from config.json: the allow-list (commands run without approval), time and output caps, the sandbox.</summary>
public sealed record ShellSettings
{
    // Read-only tools whose options cannot run programs or write files. Not git (repository config and hooks in the
    // workspace can run code), not find (-exec, -delete).
    public static readonly IReadOnlyList<string> DefaultAllow = ["ls", "cat", "head", "tail", "wc", "grep", "echo", "pwd"];

    /// <summary>Command prefixes, in words: "git status" allows "git status -s" but not "git push".</summary>
    public IReadOnlyList<string> Allow { get; init; } = DefaultAllow;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxOutputBytes { get; init; } = 64 * 1024;
    public SandboxMode Sandbox { get; init; } = SandboxMode.Auto;
}
