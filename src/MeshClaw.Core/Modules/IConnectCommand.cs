using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;

namespace MeshClaw.Core.Modules;

/// <summary>
/// <c>meshclaw connect NAME</c>: asks for what the connection needs, checks it for real, and saves nothing when the
/// check fails. The CLI turns the options into flags and the console into the terminal; a test can drive it directly.
/// </summary>
public interface IConnectCommand
{
    string Name { get; }
    string Description { get; }
    IReadOnlyList<ConnectOption> Options { get; }

    /// <summary>Returns the exit code: 0 connected, 1 the check failed (nothing saved), 2 bad input.</summary>
    Task<int> RunAsync(ConnectInput input, ConnectContext context, CancellationToken cancellationToken);
}

/// <summary>One flag of a connect command (<c>--imap-host</c>).</summary>
public sealed record ConnectOption(string Name, string Description, bool Required = false, string? Default = null);

/// <summary>The flags as given (or defaulted).</summary>
public sealed class ConnectInput(IReadOnlyDictionary<string, string?> values)
{
    public string? Get(string name) => values.GetValueOrDefault(name);
}

/// <summary>What a connect command works with: the home folder, its secrets, config.json's sections, and the user's terminal.</summary>
public sealed record ConnectContext(MeshClawHome Home, ISecretStore Secrets, IReadOnlyList<IConfigSection> Sections, IConnectConsole Console);

public interface IConnectConsole
{
    /// <summary>Reads a secret without echoing it (or from stdin when piped).</summary>
    string ReadSecret(string name);
    void Line(string text);
    void Error(string text);
}
