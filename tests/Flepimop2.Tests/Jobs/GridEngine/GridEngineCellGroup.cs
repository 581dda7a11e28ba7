namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>The integration tests against the real Grid Engine cell; they run one after another, their jobs side by side.</summary>
[CollectionDefinition("gridengine")]
public sealed class GridEngineCellGroup : ICollectionFixture<GridEngineCellFixture>
{
}
