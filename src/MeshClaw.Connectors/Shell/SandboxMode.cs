namespace MeshClaw.Connectors.Shell;

/// <summary>"shell.sandbox" in config.json: whether commands run in the OS sandbox (bubblewrap).</summary>
public enum SandboxMode
{
    /// <summary>In the sandbox when it works here; unsandboxed (and never contained) when it does not.</summary>
    Auto,
    /// <summary>In the sandbox, or not at all: a command is refused when the sandbox does not work.</summary>
    Required,
    /// <summary>Never in the sandbox.</summary>
    Off,
}
