namespace MeshClaw.Core.Tools;

/// <summary>
/// What a tool returns to the model. <see cref="Untrusted"/> marks content that came from outside the user
/// (files, mail, web, other programs): the loop delimits and labels it before the model sees it.
/// </summary>
public sealed record ToolResult(string Content, bool IsError = false, bool Untrusted = false)
{
    public static ToolResult Error(string message) => new(message, IsError: true);
}
