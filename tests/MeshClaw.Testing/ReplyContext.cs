namespace MeshClaw.Testing;

/// <summary>Everything a protocol writer needs to answer one request with a text or tool-call reply.</summary>
/// <param name="Request">The recorded request being answered.</param>
/// <param name="Reply">A reply of kind Text or ToolCalls (delays and errors are handled before).</param>
/// <param name="ToolCallIds">One server-unique id per call in <paramref name="Reply"/>.</param>
internal sealed record ReplyContext(RecordedRequest Request, ScriptedReply Reply, IReadOnlyList<string> ToolCallIds);
