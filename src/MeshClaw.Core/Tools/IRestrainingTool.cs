namespace MeshClaw.Core.Tools;

/// <summary>
/// A tool that can only take power away from the run that calls it (suggest mode). Every agent that may change
/// something holds it without a grant: restraint never needs permission.
/// </summary>
public interface IRestrainingTool : IAgentTool;
