namespace MeshClaw.Testing;

/// <summary>What a <see cref="ScriptedReply"/> makes the server do.</summary>
internal enum ScriptedReplyKind
{
    Text,
    ToolCalls,
    HttpError,
    Delay,
    Raw,
    Cut,
}
