namespace MeshClaw.Connectors.Shell;

/// <summary>The shell tool's limits from config.json: the allow-list (commands run without approval), time and output caps.</summary>
public sealed record ShellSettings
{
    public static readonly IReadOnlyList<string> DefaultAllow =
        ["ls", "cat", "head", "tail", "wc", "grep", "find", "date", "echo", "pwd", "git status", "git log", "git diff", "git show"];

    /// <summary>Command prefixes, in words: "git status" allows "git status -s" but not "git push".</summary>
    public IReadOnlyList<string> Allow { get; init; } = DefaultAllow;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxOutputBytes { get; init; } = 64 * 1024;
}
