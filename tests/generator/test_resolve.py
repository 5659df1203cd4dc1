from __future__ import annotations

import os
from pathlib import Path

from generator.load import load_vault
from generator.model import ResolvedVault
from generator.parse import ParseCache, parse_notes
from tests.conftest import VaultFactory
from tests.generator.resolving import resolve_vault


def resolve(root: Path) -> ResolvedVault:
    vault, problems = load_vault(root)
    parsed = parse_notes(vault.notes, ParseCache(None))
    resolved = resolve_vault(vault, parsed)
    resolved.diagnostics.extend(problems)
    return resolved


def codes(resolved: ResolvedVault) -> list[tuple[str, str, int]]:
    return [(d.code, d.file, d.line) for d in resolved.diagnostics]


def test_resolve_nested_heading_link_points_at_the_inner_heading(make_vault: VaultFactory) -> None:
    root = make_vault(
        {
            "A.md": "See [[B#Setup#Install]].\n",
            "B.md": "# Setup\n\n## Install\n\ntext\n\n# Other\n\n## Install\n",
        }
    )
    note = resolve(root).notes["A.md"]
    assert note.links[0].resolved == "B.md"
    assert note.links[0].anchor == "install"
    assert 'href="../b/#install"' in note.html


def test_resolve_missing_heading_warns_and_links_to_page_top(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": "See [[B#Nope]].\n", "B.md": "# Yes\n"})
    resolved = resolve(root)
    assert ("link.heading-missing", "A.md", 1) in codes(resolved)
    assert 'href="../b/"' in resolved.notes["A.md"].html


def test_resolve_block_link_and_same_note_block_link(make_vault: VaultFactory) -> None:
    root = make_vault(
        {
            "A.md": "Para one. ^first\n\nBack to [[#^first]] and [[B#^quote]].\n",
            "B.md": "> A quote\n^quote\n",
        }
    )
    note = resolve(root).notes["A.md"]
    assert 'href="#^first"' in note.html
    assert 'href="../b/#^quote"' in note.html


def test_resolve_unresolved_link_is_a_warning_with_did_you_mean(make_vault: VaultFactory) -> None:
    root = make_vault({"lessons/Pydantic.md": "# P\n", "A.md": "Read\n[[Pydantc]] now.\n"})
    resolved = resolve(root)
    [problem] = [d for d in resolved.diagnostics if d.code == "link.unresolved"]
    assert (problem.file, problem.line, problem.severity) == ("A.md", 2, "warning")
    assert problem.hint == "did you mean [[Pydantic]]?"
    assert 'class="unresolved"' in resolved.notes["A.md"].html


def test_resolve_ambiguous_name_prefers_same_folder_and_names_candidates(
    make_vault: VaultFactory,
) -> None:
    root = make_vault({"x/Dup.md": "x", "y/Dup.md": "y", "y/A.md": "[[Dup]]"})
    resolved = resolve(root)
    assert resolved.notes["y/A.md"].links[0].resolved == "y/Dup.md"
    [problem] = [d for d in resolved.diagnostics if d.code == "link.ambiguous"]
    assert "x/Dup.md" in problem.message and "y/Dup.md" in problem.message


def test_resolve_draft_and_unpublished_notes_are_left_out_and_links_unresolved(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "A.md": "[[Draft]] and [[Hidden]]",
            "Draft.md": "---\ndraft: true\n---\nx",
            "Hidden.md": "---\npublish: false\n---\nx",
        }
    )
    resolved = resolve(root)
    assert set(resolved.notes) == {"A.md"}
    assert [d.code for d in resolved.diagnostics].count("link.unpublished") == 2
    assert resolved.notes["A.md"].html.count('class="unresolved" title="not published"') == 2


def test_resolve_section_embed_stops_at_next_heading_of_same_level(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "A.md": "![[B#Two]]\n",
            "B.md": "# One\nfirst\n## Two\nsecond\n### Deeper\nthird\n## Three\nfourth\n",
        }
    )
    html = resolve(root).notes["A.md"].html
    assert "second" in html and "third" in html
    assert "first" not in html and "fourth" not in html


def test_resolve_block_embed_takes_only_that_list_item(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": "![[B#^two]]\n", "B.md": "- one\n- two ^two\n- three\n"})
    html = resolve(root).notes["A.md"].html
    assert "two" in html and "one" not in html and "three" not in html


def test_resolve_embed_cycle_is_cut_with_a_diagnostic_and_a_notice(
    make_vault: VaultFactory,
) -> None:
    root = make_vault({"A.md": "![[B]]\n", "B.md": "![[C]]\n", "C.md": "![[A]]\n"})
    resolved = resolve(root)
    assert "embed.cycle" in [d.code for d in resolved.diagnostics]
    assert "Embed cycle cut here" in resolved.notes["A.md"].html


def test_resolve_embeds_nested_past_eight_levels_are_cut_with_a_notice(
    make_vault: VaultFactory,
) -> None:
    chain = {f"N{i}.md": f"Level {i}.\n\n![[N{i + 1}]]\n" for i in range(12)}
    resolved = resolve(make_vault({**chain, "N12.md": "Level 12.\n"}))
    page = resolved.notes["N0.md"].html
    assert "Level 8." in page and "Level 9." not in page
    assert "Embeds nested deeper than 8 levels are not shown." in page
    assert ("embed.depth", "N8.md", 3) in codes(resolved)


def test_resolve_embeds_multiplying_through_notes_stop_at_a_thousand_a_page(
    make_vault: VaultFactory,
) -> None:
    # Each note embeds the next twelve times: 12**4 = 20,736 embeds on N0's page uncut.
    fan = {f"N{i}.md": f"# N{i}\n\n" + f"![[N{i + 1}]]\n\n" * 12 for i in range(4)}
    resolved = resolve(make_vault({**fan, "N4.md": "Leaf text.\n"}))
    page = resolved.notes["N0.md"].html
    assert page.count('<div class="embed" data-embed=') == 1000
    assert "Not shown here (too many embeds on this page)" in page
    assert 'href="../n4/">N4</a>' in page  # what is not shown is a link
    problems = [d for d in resolved.diagnostics if d.code == "embed.too-many"]
    assert problems and all("more than 1000 embeds" in d.message for d in problems)
    few = resolve(make_vault({"A.md": "![[B]]\n" * 50, "B.md": "b\n"}))
    assert "embed.too-many" not in {d.code for d in few.diagnostics}


def test_resolve_self_section_embed_is_cut(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": "# Top\n\n![[A#Top]]\n"})
    resolved = resolve(root)
    assert "embed.cycle" in [d.code for d in resolved.diagnostics]


def test_resolve_image_embed_with_size(make_vault: VaultFactory) -> None:
    root = make_vault(
        {"notes/A.md": "![[pic.png|300x200]] ![[pic.png|a cat]]\n", "img/pic.png": b"\x89PNG"}
    )
    html = resolve(root).notes["notes/A.md"].html
    assert '<img src="../../img/pic.png" alt="pic.png" width="300" height="200"' in html
    assert 'alt="a cat"' in html


def test_resolve_markdown_links_to_notes_and_outside_the_vault(make_vault: VaultFactory) -> None:
    root = make_vault(
        {"a/A.md": "[b](../B.md) and [x](../../../etc/passwd)\n", "B.md": "# B\n"}
    )
    resolved = resolve(root)
    assert 'href="../../b/"' in resolved.notes["a/A.md"].html
    assert ("link.outside-vault", "a/A.md", 1) in codes(resolved)


def test_resolve_backlinks_carry_the_sentence_around_the_link(make_vault: VaultFactory) -> None:
    root = make_vault(
        {"A.md": "Intro text. Models come from [[B]] in practice. Another one.\n", "B.md": "b"}
    )
    [backlink] = resolve(root).backlinks["B.md"]
    assert backlink.source == "A.md"
    assert backlink.context == "Models come from B in practice."


def test_resolve_tags_from_text_and_frontmatter_case_insensitive(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "A.md": "---\ntags: [Python, course/intro]\n---\nText #python #api/v1 `#code`\n",
        }
    )
    resolved = resolve(root)
    assert resolved.notes["A.md"].tags == ["Python", "course/intro", "api/v1"]
    assert set(resolved.tags) == {"python", "course/intro", "api/v1"}


def test_resolve_invalid_frontmatter_is_an_error_with_its_line_and_note_renders(
    make_vault: VaultFactory,
) -> None:
    root = make_vault({"A.md": "---\ntitle: ok\nbad: [unclosed\n---\n# Still here\n"})
    resolved = resolve(root)
    [problem] = [d for d in resolved.diagnostics if d.code == "frontmatter.invalid"]
    assert problem.file == "A.md" and problem.line in (3, 4)
    assert "Still here" in resolved.notes["A.md"].html


def test_resolve_impossible_dates_stay_text_and_deep_yaml_is_an_error(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "A.md": "---\ncreated: 2024-13-45\nupdated: 2024-02-03\n---\n# A\n",
            "B.md": "---\ntitle: " + "[" * 5000 + "\n---\n# B survives\n",
        }
    )
    resolved = resolve(root)
    frontmatter = resolved.notes["A.md"].frontmatter
    assert frontmatter["created"] == "2024-13-45"
    assert frontmatter["updated"] == "2024-02-03"
    [problem] = [d for d in resolved.diagnostics if d.code == "frontmatter.invalid"]
    assert problem.file == "B.md" and problem.severity == "error"
    assert "B survives" in resolved.notes["B.md"].html


def test_resolve_self_holding_and_exploding_yaml_anchors_are_bounded(
    make_vault: VaultFactory,
) -> None:
    laughs = "a: &a [" + ", ".join(["lol"] * 10) + "]\n"
    for name, inner in zip("bcdefg", "abcdef", strict=True):
        laughs += f"{name}: &{name} [" + ", ".join([f"*{inner}"] * 10) + "]\n"
    root = make_vault(
        {
            "A.md": "---\nloop: &x [1, *x]\n---\n# A\n",
            "B.md": "---\n" + laughs + "---\n# B survives\n",
        }
    )
    resolved = resolve(root)
    assert resolved.notes["A.md"].frontmatter["loop"] == [1, "…"]
    [problem] = [d for d in resolved.diagnostics if d.code == "frontmatter.invalid"]
    assert problem.file == "B.md" and "anchors" in problem.message
    assert "B survives" in resolved.notes["B.md"].html


def test_resolve_wikilinks_in_frontmatter_count_as_links(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": '---\nrelated: "[[B]]"\n---\nbody\n', "B.md": "b"})
    resolved = resolve(root)
    assert [b.source for b in resolved.backlinks["B.md"]] == ["A.md"]


def test_resolve_slug_collision_gets_a_suffix_and_a_warning(make_vault: VaultFactory) -> None:
    root = make_vault({"My Note.md": "a", "my-note.md": "b"})
    resolved = resolve(root)
    assert sorted(n.slug for n in resolved.notes.values()) == ["my-note", "my-note-2"]
    assert "slug.collision" in [d.code for d in resolved.diagnostics]


def test_resolve_permalink_overrides_the_slug(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": "---\npermalink: /guides/start/\n---\nx"})
    assert resolve(root).notes["A.md"].url == "guides/start/"


def test_resolve_invalid_utf8_note_is_an_error_not_a_crash(make_vault: VaultFactory) -> None:
    root = make_vault({"Bad.md": b"ok\n\xff\xfe broken", "Good.md": "fine"})
    resolved = resolve(root)
    assert ("note.encoding", "Bad.md", 2) in codes(resolved)
    assert "Good.md" in resolved.notes


def test_load_skips_dot_folders_and_refuses_symlinks_out_of_the_vault(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("secret", encoding="utf-8")
    root = make_vault({"A.md": "a", ".obsidian/app.json": "{}", ".trash/Old.md": "old"})
    (root / "Link.md").symlink_to(secret)
    vault, problems = load_vault(root)
    assert list(vault.files) == ["A.md"]
    assert [p.code for p in problems] == ["load.outside-vault"]


def test_load_skips_pipes_and_broken_symlinks_with_a_warning(make_vault: VaultFactory) -> None:
    root = make_vault({"A.md": "a"})
    os.mkfifo(root / "Pipe.md")  # reading it would wait for a writer for ever
    (root / "Gone.md").symlink_to(root / "Deleted.md")
    (root / "Loop.md").symlink_to(root / "Loop.md")  # leads back to itself
    vault, problems = load_vault(root)
    assert list(vault.files) == ["A.md"]
    assert [(p.code, p.file, p.severity) for p in problems] == [
        ("load.broken-symlink", "Gone.md", "warning"),
        ("load.broken-symlink", "Loop.md", "warning"),
        ("load.not-a-file", "Pipe.md", "warning"),
    ]
    assert "Deleted.md" in problems[0].message


def test_load_normalises_names_to_nfc(make_vault: VaultFactory) -> None:
    root = make_vault({"Zu\u0308rich.md": "z"})
    vault, _ = load_vault(root)
    assert list(vault.files) == ["Zürich.md"]


def test_resolve_note_name_with_link_breaking_characters_is_reported(
    make_vault: VaultFactory,
) -> None:
    root = make_vault({"C# tips.md": "x", "Plain.md": "[[C# tips]]"})
    resolved = resolve(root)
    assert ("note.name", "C# tips.md", 1) in codes(resolved)
    assert "C# tips.md" in resolved.notes


def test_resolve_strict_line_breaks_setting_of_the_vault_is_followed(
    make_vault: VaultFactory,
) -> None:
    text = "first line\nsecond line\n"
    loose = resolve(make_vault({"A.md": text})).notes["A.md"].html
    strict_vault = make_vault({"A.md": text, ".obsidian/app.json": '{"strictLineBreaks": true}'})
    strict = resolve(strict_vault).notes["A.md"].html
    assert "first line<br />" in loose
    assert "<br" not in strict


def test_a_note_claiming_the_home_address_never_takes_the_home_page(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "About.md": "---\npermalink: index\n---\n# About\n",  # sorted before the home note
            "index.md": "# Course\n\n## 1. Start\n\n- [[About]]\n",
        }
    )
    resolved = resolve(root)
    assert resolved.notes["index.md"].url == ""
    assert resolved.notes["About.md"].url == "index-2/"
    assert ("slug.collision", "About.md", 1) in codes(resolved)


def test_a_home_note_api_base_that_cannot_work_is_reported_and_not_used(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {"index.md": "---\napi_base: localhost:8000\n---\n# Course\n", "A.md": "# A\n"}
    )
    resolved = resolve(root)
    assert ("frontmatter.api-base", "index.md", 1) in codes(resolved)
    assert resolved.config.api_base == ""
    fine = resolve(make_vault({"index.md": "---\napi_base: http://127.0.0.1:9000/\n---\n# C\n"}))
    assert fine.config.api_base == "http://127.0.0.1:9000"
    assert "frontmatter.api-base" not in [d.code for d in fine.diagnostics]


def test_frontmatter_fields_of_the_wrong_kind_are_warned_about_and_left_out(
    make_vault: VaultFactory,
) -> None:
    root = make_vault(
        {
            "A.md": (
                "---\ntitle: [1, 2]\naliases: {a: b}\ntags: [ok, [nested]]\norder: soon\n"
                'publish: "no"\ncssclasses: [wide]\n---\n# A\n'
            ),
            "B.md": "See [[A]].\n",
        }
    )
    resolved = resolve(root)
    found = {
        (d.line, d.message.split(";")[0])
        for d in resolved.diagnostics
        if d.code == "frontmatter.type" and d.file == "A.md"
    }
    assert found == {
        (2, "'title' should be text, not a list"),
        (3, "'aliases' should be a list of names, not a mapping"),
        (4, "'tags' should be a list of tags, not a list holding lists or mappings"),
        (5, "'order' should be a number, not the text 'soon'"),
        (6, "'publish' should be true or false, not the text 'no'"),
    }
    note = resolved.notes["A.md"]
    assert note.title == "A" and note.tags == [] and note.cssclasses == ["wide"]
    assert note.frontmatter.get("aliases") is None  # no alias "{'a': 'b'}"
