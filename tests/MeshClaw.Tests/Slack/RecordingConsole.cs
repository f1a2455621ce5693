using MeshClaw.Core.Modules;

namespace MeshClaw.Tests.Slack;

/// <summary>A connect command's terminal: secrets answered from a list, lines and errors recorded.</summary>
internal sealed class RecordingConsole(params string[] secrets) : IConnectConsole
{
    private readonly Queue<string> _secrets = new(secrets);

    public List<string> Lines { get; } = [];
    public List<string> Errors { get; } = [];

    public string ReadSecret(string name) => _secrets.TryDequeue(out var value) ? value : "";

    public void Line(string text) => Lines.Add(text);

    public void Error(string text) => Errors.Add(text);
}
