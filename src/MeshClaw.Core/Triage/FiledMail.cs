namespace MeshClaw.Core.Triage;

/// <summary>A recent triage decision and where the message should be now: the folder triage chose, or where the user last put it.</summary>
public sealed record FiledMail(string MessageId, string Sender, string? ListId, string Subject, string Category, string Source, string Location);
