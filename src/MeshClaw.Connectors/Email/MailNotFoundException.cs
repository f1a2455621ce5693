namespace MeshClaw.Connectors.Email;

/// <summary>No message with this id is in the folder (moved or deleted meanwhile).</summary>
public sealed class MailNotFoundException(string folder, string id) : Exception($"no message '{id}' in folder '{folder}'");
