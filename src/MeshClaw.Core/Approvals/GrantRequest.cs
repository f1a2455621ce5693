using MeshClaw.Core.Policy;

namespace MeshClaw.Core.Approvals;

/// <summary>
/// "Approve, and allow calls like this": for how long, and which argument values a later call must repeat. Without
/// fields, a run's, an hour's or today's grant allows the capability with any arguments (what "for this run" means
/// to people), and a standing one only the very same arguments; <c>*</c> names all of the call's arguments.
/// </summary>
public sealed record GrantRequest(GrantScope Scope, IReadOnlyList<string>? Fields = null)
{
    public const string AllFields = "*";

    /// <summary>The argument names to match: null for all of them, empty for none.</summary>
    public IReadOnlyList<string>? MatchedFields =>
        Fields is { Count: > 0 } named
            ? named.Contains(AllFields) ? null : named
            : Scope == GrantScope.Always ? null : [];
}
