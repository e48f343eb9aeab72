package oss

import (
	"context"
	"fmt"
	"time"

	cdn "github.com/alibabacloud-go/cdn-20180510/v4/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// RefreshDone asks DescribeRefreshTaskById whether refresh task id has
// taken effect: every path Complete. A Failed path is an error; Refreshing
// (or no path reported yet) is false. Statuses per
// help.aliyun.com/zh/cdn/api-describerefreshtaskbyid.
func (c *CDN) RefreshDone(ctx context.Context, id string) (bool, error) {
	ms := tea.Int(int(c.timeout / time.Millisecond))
	out := make(chan taskState, 1)
	go func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		res, err := c.client.DescribeRefreshTaskByIdWithOptions(&cdn.DescribeRefreshTaskByIdRequest{TaskId: tea.String(id)},
			&util.RuntimeOptions{ReadTimeout: ms, ConnectTimeout: ms})
		if err != nil {
			out <- taskState{err: describeCDN(err)}
			return
		}
		out <- taskResult(res.Body.Tasks)
	}()
	select {
	case r := <-out:
		return r.done, r.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

type taskState struct {
	done bool
	err  error
}

func taskResult(tasks []*cdn.DescribeRefreshTaskByIdResponseBodyTasks) (r taskState) {
	if len(tasks) == 0 {
		return r
	}
	for _, t := range tasks {
		switch tea.StringValue(t.Status) {
		case "Complete":
		case "Failed":
			r.err = fmt.Errorf("CDN refresh of %s failed: %s", tea.StringValue(t.ObjectPath), tea.StringValue(t.Description))
			return r
		default:
			return r
		}
	}
	r.done = true
	return r
}
