namespace MeshClaw.Core.Triage;

/// <summary>
/// The user moved a message out of where triage left it: from <paramref name="FromFolder"/> (INBOX when triage kept it
/// there) to <paramref name="ToFolder"/>. <paramref name="ToCategory"/> is the category that folder files, null for the
/// inbox. <paramref name="DecidedBy"/> is the source of the verdict the user corrected (a rule or the model).
/// </summary>
public sealed record MailCorrection(
    string Account, string MessageId, string Sender, string? ListId, string Subject, string FromFolder, string ToFolder, string? ToCategory,
    string DecidedBy, string RunId, string Agent, DateTimeOffset At)
{
    public const string Inbox = "INBOX";
}
