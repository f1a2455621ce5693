namespace MeshClaw.Core.Insights;

/// <summary>
/// How often an agent asked the user against what it delivered over a period: approvals requested, and runs that
/// produced something useful (an outcome the user did not rate not useful or discarded). Fewer asks per useful run is
/// the posture being bearable; the asks themselves are it being safe.
/// </summary>
public sealed record AskFigure(string Agent, long Asks, long UsefulRuns)
{
    public double? AsksPerUsefulRun => UsefulRuns == 0 ? null : (double)Asks / UsefulRuns;

    public static AskFigure Total(IEnumerable<AskFigure> figures)
    {
        var all = figures.ToList();
        return new AskFigure("all agents", all.Sum(f => f.Asks), all.Sum(f => f.UsefulRuns));
    }
}
