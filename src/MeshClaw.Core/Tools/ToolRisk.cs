namespace MeshClaw.Core.Tools;

/// <summary>What can go wrong if a tool call is a mistake, from harmless to dangerous.</summary>
public enum ToolRisk
{
    Read,
    ReversibleWrite,
    IrreversibleWrite,
    SendsOutside,
    ExecutesCode,
    ChangesMeshClaw,
}
