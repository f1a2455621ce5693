namespace MeshClaw.Core.Insights;

/// <summary>The user's verdict on an outcome; drafts are accepted or discarded, everything else useful or not.</summary>
public enum OutcomeVerdict
{
    Useful,
    NotUseful,
    Accepted,
    Discarded,
}

public static class OutcomeVerdicts
{
    public const string Expected = "useful, not-useful, accepted or discarded";

    public static string Text(this OutcomeVerdict verdict) => verdict switch
    {
        OutcomeVerdict.NotUseful => "not-useful",
        _ => verdict.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses the words the CLI, the API and the dashboard use; null for anything else.</summary>
    public static OutcomeVerdict? Parse(string? text) => text switch
    {
        "useful" => OutcomeVerdict.Useful,
        "not-useful" => OutcomeVerdict.NotUseful,
        "accepted" => OutcomeVerdict.Accepted,
        "discarded" => OutcomeVerdict.Discarded,
        _ => null,
    };
}
