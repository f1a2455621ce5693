namespace MeshClaw.Storage.Migrations;

/// <summary>One versioned schema change. Versions only grow; a shipped migration is never edited.</summary>
public sealed record Migration(int Version, string Name, string Sql);
