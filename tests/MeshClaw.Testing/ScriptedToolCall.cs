namespace MeshClaw.Testing;

/// <summary>One function call a scripted reply asks for; the arguments stay a raw string so tests can send broken JSON.</summary>
internal sealed record ScriptedToolCall(string Name, string ArgumentsJson);
