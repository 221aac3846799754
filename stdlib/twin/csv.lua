--- twin.csv: RFC 4180 CSV. Parses quoted fields, doubled quotes ("") and CRLF or LF line ends;
--- encodes rows quoting only fields that need it. Errors name the line.
---@class twin.csv
local M = {}

--- Parse CSV text into an array of rows (arrays of strings). Newlines inside quoted
--- fields are kept. A trailing line end does not make an empty last row.
---@param text string
---@param sep? string one-character separator, default ","
---@return string[][] rows, integer[] lines the line each row starts on
function M.parse_rows(text, sep)
  sep = sep or ","
  local rows, row, field, lines = {}, {}, {}, {}
  local i, n, line = 1, #text, 1
  local row_line = 1
  local quoted_field = false -- current field started with a quote
  while i <= n do
    local c = text:sub(i, i)
    if c == '"' and #field == 0 and not quoted_field then
      -- Quoted field: read up to the closing quote, "" is an escaped quote.
      quoted_field = true
      local start_line = line
      i = i + 1
      while true do
        if i > n then error(string.format("csv: line %d: unterminated quoted field", start_line), 2) end
        local q = text:sub(i, i)
        if q == '"' then
          if text:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 2
          else i = i + 1; break end
        else
          if q == "\n" then line = line + 1 end
          field[#field + 1] = q; i = i + 1
        end
      end
      local nx = text:sub(i, i)
      if i <= n and nx ~= sep and nx ~= "\n" and nx ~= "\r" then
        error(string.format("csv: line %d: unexpected %q after closing quote", line, nx), 2)
      end
    elseif c == sep then
      row[#row + 1] = table.concat(field); field = {}; quoted_field = false; i = i + 1
    elseif c == "\r" or c == "\n" then
      row[#row + 1] = table.concat(field); field = {}; quoted_field = false
      rows[#rows + 1] = row; lines[#rows] = row_line; row = {}
      if c == "\r" and text:sub(i + 1, i + 1) == "\n" then i = i + 1 end
      i = i + 1; line = line + 1; row_line = line
    else
      if quoted_field then error(string.format("csv: line %d: text after closing quote", line), 2) end
      field[#field + 1] = c; i = i + 1
    end
  end
  if #field > 0 or #row > 0 or quoted_field then
    row[#row + 1] = table.concat(field); rows[#rows + 1] = row; lines[#rows] = row_line
  end
  return rows, lines
end

--- Parse CSV text whose first row is a header into an array of records keyed by header name.
--- Blank lines are skipped; a row with a different field count than the header is an error.
---@param text string
---@param sep? string
---@return table<string, string>[] records, string[] header
function M.parse(text, sep)
  local rows, lines = M.parse_rows(text, sep)
  local header = rows[1]
  if not header then return {}, {} end
  local records = {}
  for r = 2, #rows do
    local row = rows[r]
    if not (#row == 1 and row[1] == "") then
      if #row ~= #header then
        error(string.format("csv: line %d: %d fields, header has %d", lines[r], #row, #header), 2)
      end
      local rec = {}
      for k = 1, #header do rec[header[k]] = row[k] end
      records[#records + 1] = rec
    end
  end
  return records, header
end

--- Quote one field if it holds the separator, a quote, CR or LF (quotes doubled).
---@param v any nil becomes "", numbers use tostring
---@param sep? string
---@return string
function M.field(v, sep)
  sep = sep or ","
  if v == nil then return "" end
  local s = tostring(v)
  if s:find('[\r\n"]') or s:find(sep, 1, true) then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

--- Encode rows (arrays of values) as CSV text, one line per row, "\n" line ends
--- (pass "\r\n" as `eol` for strict RFC 4180).
---@param rows any[][]
---@param sep? string
---@param eol? string
---@return string
function M.encode(rows, sep, eol)
  sep, eol = sep or ",", eol or "\n"
  local lines = {}
  for r = 1, #rows do
    local row, out = rows[r], {}
    for k = 1, #row do out[k] = M.field(row[k], sep) end
    lines[r] = table.concat(out, sep) .. eol
  end
  return table.concat(lines)
end

--- Encode records (tables keyed by column name) under a header row in the order of `columns`.
---@param records table[]
---@param columns string[]
---@param sep? string
---@return string
function M.encode_records(records, columns, sep)
  local rows = { columns }
  for i = 1, #records do
    local row = {}
    for k = 1, #columns do row[k] = records[i][columns[k]] end
    rows[#rows + 1] = row
  end
  return M.encode(rows, sep)
end

return M
