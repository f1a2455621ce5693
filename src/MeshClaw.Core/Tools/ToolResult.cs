using System.Text.Json;

namespace MeshClaw.Core.Tools;

/// <summary>
/// What a tool returns to the model. <see cref="Untrusted"/> marks content that came from outside the user
/// (files, mail, web, other programs): the loop delimits and labels it and the run becomes tainted.
/// </summary>
public sealed record ToolResult(string Content, bool IsError = false, bool Untrusted = false)
{
    /// <summary>An inverse known only after the call ran (e.g. the id of what it created); replaces the planned one.</summary>
    public ToolInverse? Inverse { get; init; }

    /// <summary>
    /// The same result as structured data, for built-in procedures (the inbox reads mail summaries this way). It is
    /// redacted like the content and never shown to a model as such.
    /// </summary>
    public JsonElement? Data { get; init; }

    public static ToolResult Error(string message) => new(message, IsError: true);
}
