namespace MeshClaw.Core.Agents;

/// <summary>A problem in an agent file, pinned to where the user has to look.</summary>
public sealed record AgentFileError(string File, int Line, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Message}";
}
