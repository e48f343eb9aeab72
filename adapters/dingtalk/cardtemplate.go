package dingtalk

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Template is what dingops reads of a card template in the card platform's
// export format (卡片平台 → 更多 → 导出/导入): a JSON object whose
// editorData is a JSON string holding schema.componentsTree and
// variableList. The shape is the one of the exported templates in
// open-dingtalk/dingtalk-card-examples (examples/审批模板/审批模板.json,
// examples/事件链配置演示/事件链配置演示.json); DingTalk documents no
// schema for it.
type Template struct {
	Type       string // "im" for a chat card
	Mode       string // "card"
	Variables  map[string]TemplateVar
	Components []Component // the component tree, depth first
}

// TemplateVar is one entry of variableList.
type TemplateVar struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // string, markdown, boolean, number, object, …
	Private bool   `json:"private"`
}

// Component is one node of the template's component tree, with the
// properties dingops depends on.
type Component struct {
	Name    string // componentName: Card, Markdown, BaseText, ButtonList, …
	ID      string
	Visible Visibility
	Content Binding  // a Markdown component's content
	Text    string   // a BaseText's text, e.g. "${notice}"
	Buttons []Button // a ButtonList's buttons
}

// Binding is a property bound to a variable (valueType "variable") or
// fixed.
type Binding struct {
	Type      string `json:"type"` // dynamicMarkdown, …
	ValueType string `json:"valueType"`
	Variable  string `json:"variable"`
}

// Visibility is a component's or button's visible property: always, or
// when all (op "and") its conditions hold.
type Visibility struct {
	ValueType string `json:"valueType"` // fixed or condition
	Condition struct {
		Op         string      `json:"op"`
		Conditions []Condition `json:"conditions"`
	} `json:"condition"`
}

// Condition compares a variable with a fixed value.
type Condition struct {
	Variable string `json:"variable"`
	Op       string `json:"op"` // equal, notEqual, isTrue, isFalse
	Value    any    `json:"value"`
}

// Button is one button of a ButtonList. A "request" (回传请求) button
// sends Params back to the app's card callback.
type Button struct {
	ID         string        `json:"id"`
	ActionType string        `json:"actionType"`
	Text       dynString     `json:"text"`
	ActionID   dynString     `json:"actionId"`
	Params     []ButtonParam `json:"params"`
	Visible    Visibility    `json:"visible"`
}

// ButtonParam is one callback parameter: a fixed value, or a variable's
// value at the time of the click.
type ButtonParam struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // fixed or variable
	Value    string `json:"value"`
	Variable string `json:"variable"`
}

type dynString struct {
	Content string `json:"content"`
}

type node struct {
	ComponentName string          `json:"componentName"`
	ID            string          `json:"id"`
	Props         json.RawMessage `json:"props"`
	Children      []node          `json:"children"`
}

type props struct {
	Visible Visibility `json:"visible"`
	Content Binding    `json:"content"`
	Text    dynString  `json:"text"`
	Buttons struct {
		List []Button `json:"list"`
	} `json:"buttons"`
}

// ParseTemplate reads an exported card template.
func ParseTemplate(raw []byte) (*Template, error) {
	var top struct {
		EditorData string `json:"editorData"`
		Type, Mode string
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("reading card template: %w", err)
	}
	var ed struct {
		Schema struct {
			ComponentsTree []node `json:"componentsTree"`
		} `json:"schema"`
		VariableList []TemplateVar `json:"variableList"`
	}
	if err := json.Unmarshal([]byte(top.EditorData), &ed); err != nil {
		return nil, fmt.Errorf("reading card template's editorData: %w", err)
	}
	if len(ed.Schema.ComponentsTree) == 0 {
		return nil, errors.New("reading card template: no components")
	}
	t := &Template{Type: top.Type, Mode: top.Mode, Variables: map[string]TemplateVar{}}
	for _, v := range ed.VariableList {
		t.Variables[v.Name] = v
	}
	for _, n := range ed.Schema.ComponentsTree {
		if err := t.walk(n); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *Template) walk(n node) error {
	var p props
	if len(n.Props) > 0 {
		if err := json.Unmarshal(n.Props, &p); err != nil {
			return fmt.Errorf("reading card template component %s: %w", n.ID, err)
		}
	}
	t.Components = append(t.Components, Component{Name: n.ComponentName, ID: n.ID, Visible: p.Visible,
		Content: p.Content, Text: p.Text.Content, Buttons: p.Buttons.List})
	for _, c := range n.Children {
		if err := t.walk(c); err != nil {
			return err
		}
	}
	return nil
}

// Buttons are every ButtonList button of the template, in order.
func (t *Template) Buttons() []Button {
	var out []Button
	for _, c := range t.Components {
		out = append(out, c.Buttons...)
	}
	return out
}
