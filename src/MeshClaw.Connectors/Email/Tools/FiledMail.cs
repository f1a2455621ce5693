namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// What <c>email_file_batch</c> hands back to procedures: the ids it filed (looked up after a cut, not assumed), those
/// it did not (still in their folder, or not known), and those that were no longer there to move.
/// </summary>
public sealed record FiledMail(IReadOnlyList<string> Filed, IReadOnlyList<string> NotFiled, IReadOnlyList<string> Missing, string? Cut);
