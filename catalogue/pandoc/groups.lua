-- docbase: split pandoc's bibliography (div#refs, already sorted by the CSL style) into the
-- groups docbase computed (metadata `docbase-groups`: a list of {title, ids}), each group a
-- heading followed by its references in the style's order.
local function stringify(value)
  return pandoc.utils.stringify(value)
end

function Pandoc(doc)
  local groups = doc.meta["docbase-groups"]
  if not groups then
    return doc
  end
  local blocks, refs_at, entries, order = {}, nil, {}, {}
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      refs_at = block
      for position, entry in ipairs(block.content) do
        entries[entry.identifier] = entry
        order[entry.identifier] = position
      end
    else
      table.insert(blocks, block)
    end
  end
  if not refs_at then
    return doc
  end
  for index, group in ipairs(groups) do
    local members = {}
    for _, id in ipairs(group.ids) do
      local key = "ref-" .. stringify(id)
      if entries[key] then
        table.insert(members, entries[key])
      end
    end
    table.sort(members, function(a, b) return order[a.identifier] < order[b.identifier] end)
    if #members > 0 then
      table.insert(blocks, pandoc.Header(2, stringify(group.title)))
      local attr = pandoc.Attr("refs-" .. index, refs_at.classes, refs_at.attributes)
      table.insert(blocks, pandoc.Div(members, attr))
    end
  end
  doc.blocks = blocks
  return doc
end
