namespace MeshClaw.Core.Tools.BuiltIn;

/// <summary>The tools MeshClaw ships with; connectors add theirs beside these.</summary>
public static class BuiltInTools
{
    public static IReadOnlyList<IAgentTool> All => [new TimeNowTool(), new ReadFileTool(), new SuggestModeTool()];
}
