using System.Xml;
using System.Xml.Linq;
using Flepimop2.Jobs.GridEngine.Internal;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>
/// The reader of qstat's XML that replaced System.Xml in the shipped code: it accepts and refuses what System.Xml does for the
/// documents below (a DTD aside, which it always refuses), and reads their fields alike.
/// </summary>
public sealed class QstatXmlReaderSpecs
{
    public static TheoryData<string> WellFormed => new()
    {
        "<job_info/>",
        "<?xml version='1.0' encoding=\"UTF-8\"?>\n<!-- a comment -->\n<job_info><job_list state=\"pending\"><JB_job_number>3</JB_job_number><state>qw</state></job_list></job_info>\n<!-- after -->\n",
        "<q:job_info xmlns:q='urn:q'><q:job_list><q:JB_job_number> 4 </q:JB_job_number><q:state>r</q:state><slots/></q:job_list></q:job_info>",
        "<a><job_list><JB_job_number>5</JB_job_number><state>&lt;r&amp;&gt;&quot;&apos;&#65;&#x42;</state></job_list></a>",
        "<a><job_list><JB_job_number>6</JB_job_number><state><![CDATA[<qw>]]></state><queue_name>all.q<!-- -->@vm</queue_name></job_list></a>",
        "<a><job_list><JB_job_number>7<b>0</b></JB_job_number><state>r</state><state>second</state><tasks></tasks></job_list></a>",
        "<a\n  x = \"1\"\ty='2'  ><job_list  ><JB_job_number>8</JB_job_number ><state>r</state></job_list></a >",
        "<a><job_list><JB_job_number>9</JB_job_number><state>&#x1F600;</state></job_list><?pi data?></a>",
    };

    public static TheoryData<string> Malformed => new()
    {
        "error: commlib error",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<a/><b/>",
        "text<a/>",
        "<a/>text",
        "<a>&nbsp;</a>",
        "<a>&#0;</a>",
        "<a>& b</a>",
        "<a x=1/>",
        "<a x='1'y='2'/>",
        "<a x='<'/>",
        "<a x/>",
        "<1a/>",
        "< a/>",
        "<a><!-- no end </a>",
        "<a><![CDATA[ no end </a>",
        "</a>",
        "<a",
    };

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void A_well_formed_document_is_read_as_System_Xml_reads_it(string xml)
    {
        var document = XDocument.Parse(xml);
        var expected = document.Descendants().Where(e => e.Name.LocalName == "job_list")
            .Select(j => j.Elements().FirstOrDefault(e => e.Name.LocalName == "JB_job_number")?.Value.Trim())
            .Where(id => id is not null)
            .ToList();

        var rows = QstatXmlParser.Parse(xml);

        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var job in document.Descendants().Where(e => e.Name.LocalName == "job_list"))
        {
            var id = Field(job, "JB_job_number")!;
            Assert.Equal(new GridEngineLiveRow(id, null, Field(job, "state")!, Field(job, "queue_name") is { Length: > 0 } q ? q : null, null), rows[id]);
        }
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_document_System_Xml_refuses_is_a_format_error_that_says_where(string xml)
    {
        Assert.ThrowsAny<XmlException>(() => XDocument.Parse(xml));

        var error = Assert.Throws<FormatException>(() => QstatXmlParser.Parse(xml));

        Assert.StartsWith("qstat printed no well-formed XML: ", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"\(line [0-9]+, column [0-9]+\)$", error.Message);
    }

    [Fact]
    public void The_reader_gives_each_node_with_its_depth_and_an_empty_element_as_a_start_and_an_end()
    {
        var reader = new QstatXmlReader("<?xml version='1.0'?><r a='&amp;'><x:e/>t&amp;u<f>v</f></r>");
        var nodes = new List<string>();
        while (reader.Read())
        {
            nodes.Add($"{reader.Node} {reader.Depth} {(reader.Node == QstatXmlNode.Text ? reader.Text : reader.LocalName)}");
        }

        Assert.Equal(["Start 1 r", "Start 2 e", "End 2 e", "Text 1 t&u", "Start 2 f", "Text 2 v", "End 2 f", "End 1 r"], nodes);
    }

    [Fact]
    public void A_document_type_declaration_which_qstat_never_prints_is_refused() =>
        Assert.Throws<FormatException>(() => QstatXmlParser.Parse("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"));

    [Fact]
    public void The_error_says_the_line_and_column()
    {
        var error = Assert.Throws<FormatException>(() => QstatXmlParser.Parse("<a>\n  <b>\n  </c>\n</a>"));

        Assert.Equal("qstat printed no well-formed XML: </c> where </b> was due (line 3, column 3)", error.Message);
    }

    private static string? Field(XElement job, string name) =>
        job.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
}
