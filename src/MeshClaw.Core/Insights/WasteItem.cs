namespace MeshClaw.Core.Insights;

/// <summary>Tokens that bought nothing, what happened, and a suggested fix.</summary>
public sealed record WasteItem(string Kind, string Agent, string? RunId, long Tokens, decimal Cost, string What, string Fix);
